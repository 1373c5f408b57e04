package org.opencrm.platform.web;

import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.opencrm.platform.security.CurrentUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Endpoints that exercise each platform behaviour the tests assert. */
@RestController
public class TestController {

    static final long CURRENT_VERSION = 3;
    private static final Logger log = LoggerFactory.getLogger(TestController.class);

    record Address(@NotBlank String city, String zip) {}

    record CreateWidget(
            @NotBlank String name,
            @Min(1) int quantity,
            @Valid Address address,
            List<String> tags) {}

    record Widget(String name, int quantity) {}

    record Me(CurrentUser argument, CurrentUser fromContext) {}

    @GetMapping("/test/me")
    Me me(CurrentUser user) {
        return new Me(user, CurrentUser.current());
    }

    @GetMapping("/test/admin-only")
    @PreAuthorize("hasRole('ADMIN')")
    Map<String, String> adminOnly() {
        return Map.of("secret", "for admins");
    }

    @GetMapping("/test/public/ping")
    Map<String, String> ping() {
        return Map.of("pong", "yes");
    }

    @GetMapping("/test/public/traceparent")
    Map<String, String> traceparent(
            @org.springframework.web.bind.annotation.RequestHeader(name = "traceparent", defaultValue = "none")
                    String traceparent) {
        return Map.of("traceparent", traceparent);
    }

    @PostMapping("/test/widgets")
    @ResponseStatus(HttpStatus.CREATED)
    Widget create(@Valid @RequestBody CreateWidget request) {
        return new Widget(request.name(), request.quantity());
    }

    @PostMapping("/test/upload")
    Map<String, Integer> upload(@RequestBody byte[] body) {
        return Map.of("bytes", body.length);
    }

    @GetMapping("/test/widgets/{id}")
    Widget find(@PathVariable String id) {
        throw NotFoundException.of("widget", id);
    }

    @PostMapping("/test/duplicates")
    Widget duplicate() {
        throw ConflictException.duplicate("A contact with this e-mail exists.", List.of("c-1", "c-2"));
    }

    @PostMapping("/test/races")
    Widget race() {
        throw new OptimisticLockingFailureException("Version 3 of widget w-1 in collection widgets is stale");
    }

    @PostMapping("/test/duplicate-keys")
    Widget duplicateKey() {
        throw new DuplicateKeyException("E11000 duplicate key error collection: crm.contacts index: email_1");
    }

    @PutMapping("/test/versioned")
    ResponseEntity<Widget> update(@RequestHeader(name = "If-Match", required = false) String ifMatch) {
        ETags.requireIfMatch(ifMatch, CURRENT_VERSION);
        return ResponseEntity.ok().eTag(ETags.of(CURRENT_VERSION + 1)).body(new Widget("updated", 1));
    }

    @GetMapping("/test/limited")
    Widget limited() {
        throw new TooManyRequestsException("Slow down.", Duration.ofMillis(29_500));
    }

    @GetMapping("/test/page")
    Map<String, Integer> page(
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        var request = PageRequests.of(page, size);
        return Map.of("page", request.getPageNumber(), "size", request.getPageSize());
    }

    record ReportQuery(java.time.LocalDate date, String departmentId) {}

    @GetMapping("/test/report")
    Map<String, String> report(ReportQuery query) {
        return Map.of("date", String.valueOf(query.date()), "departmentId", String.valueOf(query.departmentId()));
    }

    @GetMapping("/test/count")
    Map<String, Integer> count(@RequestParam int limit) {
        return Map.of("limit", limit);
    }

    @GetMapping("/test/source")
    Map<String, String> source(@RequestHeader("X-Request-Source") String source) {
        return Map.of("source", source);
    }

    /** What MongoTemplate throws when a query outlives crm.mongodb.read-timeout (a long aggregation). */
    @GetMapping("/test/slow-query")
    void slowQuery() {
        throw new DataAccessResourceFailureException(
                "Timeout while receiving message",
                new MongoSocketReadTimeoutException(
                        "Timeout while receiving message",
                        new ServerAddress("db", 27017),
                        new SocketTimeoutException("Read timed out")));
    }

    @GetMapping("/test/boom")
    Widget boom() {
        throw new IllegalStateException("secret connection string mongodb://admin:hunter2@db");
    }

    @GetMapping("/test/log")
    Map<String, String> logSomething() {
        log.info("widget log line");
        return Map.of("logged", "yes");
    }

    @GetMapping("/test/sized")
    Map<String, String> sized(@RequestParam @Size(max = 3) String code) {
        return Map.of("code", code);
    }
}
