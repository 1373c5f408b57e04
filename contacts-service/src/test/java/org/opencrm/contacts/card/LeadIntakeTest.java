package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;

/** Website forms and integrations posting leads: form keys, matching, idempotency, bad input. */
class LeadIntakeTest extends ContactsApiTest {

    @Autowired
    MeterRegistry meters;

    private double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void leadsCardsAndCallsAreCountedOnceEachForTheBusinessDashboard() {
        String tenant = newTenant();
        String key = formKey(tenant, "{\"name\": \"Metrics\", \"source\": \"website\"}");
        double newLeads = count("crm.contacts.leads.received", "newContact", "true");
        double knownLeads = count("crm.contacts.leads.received", "newContact", "false");
        double cards = count("crm.contacts.created");
        double inbound = count("crm.contacts.calls.started", "direction", "INBOUND");
        String body = "{\"name\": \"Nina Volkova\", \"phone\": \"+7 903 444 55 66\"}";

        var first = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "m-1");
        var retried = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "m-1");
        var again = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "m-2");
        create(manager(tenant, "m1", "sales"), """
                {"kind": "PERSON", "firstName": "Oleg", "lastName": "Sokolov"}""");
        var call = """
                {"externalCallId": "metrics-1", "from": "+7 903 444 55 66", "direction": "INBOUND"}""";
        assertThat(post("/api/telephony/calls", TelephonyTest.pbx(tenant), call).statusCode())
                .isEqualTo(201);
        assertThat(post("/api/telephony/calls", TelephonyTest.pbx(tenant), call).statusCode())
                .isEqualTo(200);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(count("crm.contacts.leads.received", "newContact", "true")).isEqualTo(newLeads + 1);
        assertThat(count("crm.contacts.leads.received", "newContact", "false")).isEqualTo(knownLeads + 1);
        // The lead's new card and the one created over the API.
        assertThat(count("crm.contacts.created")).isEqualTo(cards + 2);
        assertThat(count("crm.contacts.calls.started", "direction", "INBOUND")).isEqualTo(inbound + 1);
    }

    private String formKey(String tenant, String body) {
        var created = post("/api/leads/form-keys", admin(tenant), body);
        assertThat(created.statusCode()).isEqualTo(201);
        return json(created, "$.key");
    }

    private long cards(String tenant) {
        return mongo.count(
                new org.springframework.data.mongodb.core.query.Query(
                        org.springframework.data.mongodb.core.query.Criteria.where("tenantId")
                                .is(tenant)),
                "contacts");
    }

    @Test
    void aFormPostWithAKnownPhoneCreatesNoCardAndEmitsLeadReceivedWithTheExistingId() {
        String tenant = newTenant();
        String existing = create(manager(tenant, "m1", "sales"), """
                {"kind": "PERSON", "firstName": "Olga", "lastName": "Petrova", "phones": [{"number": "+7 916 555-12-34"}]}""");
        String key = formKey(tenant, """
                {"name": "Website", "formId": "calc", "source": "website", "departmentId": "sales"}""");

        var response = send("POST", "/api/leads", null, """
                {"name": "Olga P", "phone": "8 (916) 555 12 34", "message": "Please call me about windows",
                 "utm": {"source": "google", "campaign": "spring"}}""", "X-Form-Key", key);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat((String) json(response, "$.contactId")).isEqualTo(existing);
        assertThat((Boolean) json(response, "$.newContact")).isFalse();
        assertThat(cards(tenant)).isEqualTo(1);
        String leadId = json(response, "$.leadId");
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            var records = events.await(
                    r -> existing.equals(r.key())
                            && "crm.contacts.LeadReceived.v1"
                                    .equals(EventRecords.header(r.headers(), EventHeaders.TYPE)
                                            .orElse("")),
                    1,
                    Duration.ofSeconds(30));
            var lead = (LeadReceived) EventRecords.decode(records.getFirst()).orElseThrow();
            assertThat(lead.aggregateId()).isEqualTo(existing);
            assertThat(lead.leadId()).isEqualTo(leadId);
            assertThat(lead.newContact()).isFalse();
            assertThat(lead.source()).isEqualTo("website");
            assertThat(lead.formId()).isEqualTo("calc");
            assertThat(lead.departmentId()).isEqualTo("sales");
            assertThat(lead.utm().campaign()).isEqualTo("spring");
            assertThat(lead.messageInteractionId()).isNotNull();
            // No personal data in the event: neither the message nor the phone (in any of its spellings).
            assertThat(records.getFirst().value())
                    .doesNotContain("windows")
                    .doesNotContain("5551234")
                    .doesNotContain("555-12-34")
                    .doesNotContain("555 12 34");
            // The message is on the card's timeline, where the event points.
            var timeline = get("/api/contacts/" + existing + "/timeline", admin(tenant));
            assertThat(json(timeline, "$.items[?(@.type == 'MESSAGE')].id").toString())
                    .contains(lead.messageInteractionId());
            assertThat(timeline.body()).contains("Please call me about windows");
        }
    }

    @Test
    void theSamePostRetriedWithOneIdempotencyKeyYieldsOneLead() {
        String tenant = newTenant();
        String key = formKey(tenant, "{\"name\": \"Landing\", \"source\": \"landing\"}");
        String body = """
                {"name": "Ivan Sidorov", "phone": "+7 903 111 22 33", "email": "Ivan@Example.com", "message": "Hi"}""";

        var first = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "form-42");
        var retry = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "form-42");
        var other = send("POST", "/api/leads", null, body, "X-Form-Key", key, "Idempotency-Key", "form-43");
        var reused = send(
                "POST",
                "/api/leads",
                null,
                body.replace("Hi", "Changed"),
                "X-Form-Key",
                key,
                "Idempotency-Key",
                "form-42");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat((Boolean) json(first, "$.newContact")).isTrue();
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(reused.statusCode()).isEqualTo(409);
        // A new key is a new lead of the same client: same card, another lead id.
        assertThat((String) json(other, "$.contactId")).isEqualTo(json(first, "$.contactId"));
        assertThat((String) json(other, "$.leadId")).isNotEqualTo(json(first, "$.leadId"));
        assertThat(cards(tenant)).isEqualTo(1);
        String contactId = json(first, "$.contactId");
        var card = get("/api/contacts/" + contactId, admin(tenant));
        assertThat((String) json(card, "$.source")).isEqualTo("landing");
        assertThat(json(card, "$.emails").toString()).contains("ivan@example.com");
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            var leads = events.drain(
                    r -> contactId.equals(r.key())
                            && EventRecords.header(r.headers(), EventHeaders.TYPE)
                                    .orElse("")
                                    .equals("crm.contacts.LeadReceived.v1"),
                    Duration.ofSeconds(3));
            assertThat(leads.stream()
                            .map(r -> ((LeadReceived) EventRecords.decode(r).orElseThrow()).leadId())
                            .toList())
                    .containsExactlyInAnyOrder(json(first, "$.leadId"), json(other, "$.leadId"));
        }
    }

    @Test
    void anUnknownOrRevokedFormKeyIs401AndOtherRolesAre403() {
        String tenant = newTenant();
        String body = "{\"name\": \"A B\", \"phone\": \"+7 903 111 22 44\"}";
        var unknown = send("POST", "/api/leads", null, body, "X-Form-Key", "fk_nobody-has-this-key");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(send("POST", "/api/leads", null, body).statusCode()).isEqualTo(401);

        var created = post("/api/leads/form-keys", admin(tenant), "{\"name\": \"Old form\"}");
        String key = json(created, "$.key");
        var listed = get("/api/leads/form-keys", admin(tenant));
        assertThat(listed.body()).doesNotContain(key).contains((String) json(created, "$.prefix"));
        assertThat(send("DELETE", "/api/leads/form-keys/" + json(created, "$.id"), admin(tenant), null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(send("POST", "/api/leads", null, body, "X-Form-Key", key).statusCode())
                .isEqualTo(401);
        assertThat(post("/api/leads/form-keys", manager(tenant, "m1", "sales"), "{\"name\": \"x\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(post("/api/leads", manager(tenant, "m1", "sales"), body).statusCode())
                .isEqualTo(403);
        assertThat(cards(tenant)).isZero();
    }

    @Test
    void anIntegrationTokenPostsLeadsAndBadInputIs400NamingFieldsWithNothingStored() {
        String tenant = newTenant();
        String integration =
                TestJwts.user("crm-sync").tenant(tenant).roles("INTEGRATION").mint();

        var bad = post("/api/leads", integration, """
                {"name": "X", "phone": "12", "email": "not-an-email", "utm": {"source": {"$ne": ""}}}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        var nothing = post("/api/leads", integration, "{\"name\": \"Nobody\"}");
        assertThat(nothing.statusCode()).isEqualTo(400);
        assertThat(json(nothing, "$.errors[*].field").toString()).contains("phone", "email");
        var fields = post("/api/leads", integration, """
                {"name": "X", "phone": "12", "email": "not-an-email"}""");
        assertThat(fields.statusCode()).isEqualTo(400);
        assertThat((List<String>) json(fields, "$.errors[*].field")).containsExactlyInAnyOrder("email", "phone");
        var unknownField = post("/api/leads", integration, "{\"phone\": \"+7 903 111 22 55\", \"tenantId\": \"x\"}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(cards(tenant)).isZero();
        assertThat(mongo.count(
                        new org.springframework.data.mongodb.core.query.Query(
                                org.springframework.data.mongodb.core.query.Criteria.where("tenantId")
                                        .is(tenant)),
                        "lead_receipts"))
                .isZero();

        var ok = post("/api/leads", integration, """
                {"phone": "+7 903 111 22 55", "source": "partner", "departmentId": "sales"}""");
        assertThat(ok.statusCode()).isEqualTo(202);
        var card = get("/api/contacts/" + json(ok, "$.contactId"), admin(tenant));
        assertThat((String) json(card, "$.departmentId")).isEqualTo("sales");
        assertThat((String) json(card, "$.ownerId")).isNull();
        assertThat((String) json(card, "$.displayName")).isEqualTo("+7 903 111 22 55");
    }
}
