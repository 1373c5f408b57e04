package org.opencrm.contacts.lead;

import org.opencrm.platform.security.CurrentUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Lead intake. The path is open without a token ({@code crm.security.public-paths}) because website forms
 * cannot hold one: they send their form key instead. Integrations send an INTEGRATION token.
 */
@RestController
class LeadController {

    static final String FORM_KEY = "X-Form-Key";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final LeadIntake intake;

    LeadController(LeadIntake intake) {
        this.intake = intake;
    }

    /**
     * The body is read as JSON first and typed after the caller is known, so an unknown form key is a 401
     * whatever it posted.
     */
    @PostMapping("/api/leads")
    ResponseEntity<LeadIntake.LeadResponse> post(
            @RequestBody JsonNode body,
            @RequestHeader(name = FORM_KEY, required = false) String formKey,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        var result = intake.receive(CurrentUser.find(), formKey, idempotencyKey, body);
        var answer = ResponseEntity.status(HttpStatus.ACCEPTED);
        if (result.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(result.response());
    }
}
