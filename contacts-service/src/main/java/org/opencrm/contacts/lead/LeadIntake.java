package org.opencrm.contacts.lead;

import jakarta.validation.Validator;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencrm.contacts.card.ContactIntake;
import org.opencrm.events.contacts.Utm;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Who posted, what they posted, and whether they posted it before: then the card side does the rest. */
@Service
class LeadIntake {

    record LeadResponse(String leadId, String contactId, boolean newContact) {}

    record Result(LeadResponse response, boolean replayed) {}

    /** The poster: the user the card side acts as, the scope of its idempotency keys, and form defaults. */
    private record Poster(CurrentUser user, String scope, FormKey formKey) {}

    private final FormKeys formKeys;
    private final ContactIntake cards;
    private final MongoTemplate mongo;
    private final Validator validator;
    private final JsonMapper strict;

    LeadIntake(FormKeys formKeys, ContactIntake cards, MongoTemplate mongo, Validator validator, JsonMapper mapper) {
        this.formKeys = formKeys;
        this.cards = cards;
        this.mongo = mongo;
        this.validator = validator;
        this.strict = mapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    Result receive(Optional<CurrentUser> token, String formKey, String idempotencyKey, JsonNode body) {
        Poster poster = poster(token, formKey);
        LeadRequest request = read(body);
        var details = details(request, poster);
        cards.validateLead(poster.user(), details);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new InvalidRequestException(LeadController.IDEMPOTENCY_KEY, "must be 1 to 200 characters");
        }
        if (idempotencyKey == null) {
            var outcome =
                    cards.receiveLead(poster.user(), details, UUID.randomUUID().toString());
            return new Result(new LeadResponse(outcome.leadId(), outcome.contactId(), outcome.newContact()), false);
        }
        String tenant = poster.user().tenantId();
        String receiptId = tenant + "|" + poster.scope() + "|" + FormKeys.hash(idempotencyKey);
        String requestHash = FormKeys.hash(body.toString());
        LeadReceipt receipt = receipt(receiptId, tenant, requestHash);
        if (!receipt.requestHash().equals(requestHash)) {
            throw new ConflictException("This Idempotency-Key was used with a different lead.");
        }
        if (receipt.contactId() != null) {
            return new Result(
                    new LeadResponse(receipt.leadId(), receipt.contactId(), Boolean.TRUE.equals(receipt.newContact())),
                    true);
        }
        var outcome = cards.receiveLead(poster.user(), details, receipt.leadId());
        mongo.updateFirst(
                new Query(Criteria.where("_id").is(receiptId)),
                new Update()
                        .set("contactId", outcome.contactId())
                        .set("newContact", outcome.newContact())
                        .set("completedAt", Instant.now()),
                LeadReceipt.class);
        return new Result(new LeadResponse(outcome.leadId(), outcome.contactId(), outcome.newContact()), false);
    }

    /** The receipt of this key, created with a fresh lead id the first time the key is seen. */
    private LeadReceipt receipt(String id, String tenantId, String requestHash) {
        var query = new Query(Criteria.where("_id").is(id));
        var first = new Update()
                .setOnInsert("tenantId", tenantId)
                .setOnInsert("leadId", UUID.randomUUID().toString())
                .setOnInsert("requestHash", requestHash)
                .setOnInsert("createdAt", Instant.now());
        try {
            mongo.upsert(query, first, LeadReceipt.class);
        } catch (DuplicateKeyException concurrentFirstPost) {
            // Another post with this key inserted it a moment ago: read theirs.
        }
        return mongo.findById(id, LeadReceipt.class);
    }

    private Poster poster(Optional<CurrentUser> token, String formKey) {
        if (token.isPresent()) {
            CurrentUser user = token.get();
            if (!user.hasRole(Role.INTEGRATION)) {
                throw new AccessDeniedException("Leads are posted with a form key or an INTEGRATION token.");
            }
            return new Poster(user, "client:" + user.userId(), null);
        }
        if (formKey == null || formKey.isBlank()) {
            throw new BadCredentialsException("A form key (X-Form-Key) or a bearer token is required.");
        }
        FormKey key = formKeys.find(formKey)
                .orElseThrow(() -> new BadCredentialsException("The form key is unknown or revoked."));
        var user = new CurrentUser("form:" + key.keyId(), key.tenantId(), Set.of(), Set.of(Role.INTEGRATION));
        return new Poster(user, "form:" + key.keyId(), key);
    }

    private LeadRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(null, "a lead must be a JSON object");
        }
        LeadRequest request;
        try {
            request = strict.treeToValue(body, LeadRequest.class);
        } catch (JacksonException e) {
            // The platform names the offending field, as for any other body.
            throw new HttpMessageNotReadableException("lead does not fit", e, null);
        }
        var violations = validator.validate(request).stream()
                .map(v -> new FieldViolation(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(FieldViolation::field))
                .toList();
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return request;
    }

    private static ContactIntake.LeadDetails details(LeadRequest request, Poster poster) {
        FormKey key = poster.formKey();
        var utm = request.utm() == null
                ? null
                : new Utm(
                        request.utm().source(),
                        request.utm().medium(),
                        request.utm().campaign(),
                        request.utm().term(),
                        request.utm().content());
        return new ContactIntake.LeadDetails(
                request.name(),
                request.phone(),
                request.email(),
                blank(request.message()) ? null : request.message(),
                firstOf(request.source(), key == null ? null : key.source()),
                utm,
                firstOf(request.formId(), key == null ? null : key.formId()),
                firstOf(request.departmentId(), key == null ? null : key.departmentId()),
                key == null ? "api" : "web-form");
    }

    private static String firstOf(String given, String fallback) {
        return blank(given) ? fallback : given.trim();
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
