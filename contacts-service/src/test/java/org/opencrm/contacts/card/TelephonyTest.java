package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;

/** The PBX webhook: screen pop, call events, the logged call, unknown callers. */
class TelephonyTest extends ContactsApiTest {

    static String pbx(String tenant) {
        return TestJwts.user("pbx").tenant(tenant).roles("INTEGRATION").mint();
    }

    static boolean ofType(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r, String type) {
        return type.equals(EventRecords.header(r.headers(), EventHeaders.TYPE).orElse(""));
    }

    @Test
    void aCallFromAKnownNumberReturnsTheCardAndEmitsCallStartedWithTheOperator() {
        String tenant = newTenant();
        String id = create(manager(tenant, "m1", "sales"), """
                {"kind": "PERSON", "firstName": "Pavel", "lastName": "Orlov", "phones": [{"number": "+7 495 222 33 44"}]}""");

        var start = post("/api/telephony/calls", pbx(tenant), """
                {"externalCallId": "pbx-1001", "from": "8 (495) 222-33-44", "to": "100", "direction": "INBOUND",
                 "operatorId": "op-7", "startedAt": "2026-03-01T09:00:00Z"}""");

        assertThat(start.statusCode()).isEqualTo(201);
        assertThat((String) json(start, "$.cards[0].contact.id")).isEqualTo(id);
        assertThat((String) json(start, "$.cards[0].contact.displayName")).isEqualTo("Pavel Orlov");
        assertThat(json(start, "$.cards[0].summary.openDeals").toString()).isEqualTo("0");
        String callId = json(start, "$.callId");
        // The PBX retries: the same pop, no second call.
        var again = post("/api/telephony/calls", pbx(tenant), """
                {"externalCallId": "pbx-1001", "from": "84952223344", "direction": "INBOUND", "operatorId": "op-7"}""");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat((String) json(again, "$.callId")).isEqualTo(callId);

        var end = post("/api/telephony/calls/pbx-1001/end", pbx(tenant), """
                {"endedAt": "2026-03-01T09:03:00Z", "durationSeconds": 170, "answered": true,
                 "recordingUrl": "https://pbx.example.com/rec/1001.mp3"}""");
        assertThat(end.statusCode()).isEqualTo(200);
        assertThat(post("/api/telephony/calls/pbx-1001/end", pbx(tenant), "{\"durationSeconds\": 170}")
                        .statusCode())
                .isEqualTo(200);

        try (var events = KafkaTestConsumer.subscribe(
                TestInfrastructure.kafkaBootstrapServers(), Topics.CALLS, Topics.CONTACTS)) {
            var started = events.await(
                    r -> callId.equals(r.key()) && ofType(r, "crm.calls.CallStarted.v1"), 1, Duration.ofSeconds(30));
            var call = (CallStarted) EventRecords.decode(started.getFirst()).orElseThrow();
            assertThat(call.operatorId()).isEqualTo("op-7");
            assertThat(call.contactIds()).containsExactly(id);
            assertThat(call.externalCallId()).isEqualTo("pbx-1001");
            assertThat(started.getFirst().value()).doesNotContain("2223344").doesNotContain("222-33-44");
            var ended = events.await(
                    r -> callId.equals(r.key()) && ofType(r, "crm.calls.CallEnded.v1"), 1, Duration.ofSeconds(30));
            var endedCall = (CallEnded) EventRecords.decode(ended.getFirst()).orElseThrow();
            assertThat(endedCall.answered()).isTrue();
            assertThat(endedCall.durationSeconds()).isEqualTo(170);
            var logged = events.await(
                    r -> id.equals(r.key()) && ofType(r, "crm.contacts.InteractionLogged.v1"),
                    1,
                    Duration.ofSeconds(30));
            var interaction =
                    (InteractionLogged) EventRecords.decode(logged.getFirst()).orElseThrow();
            assertThat(interaction.interactionId()).isEqualTo(endedCall.interactionId());
            assertThat(interaction.callId()).isEqualTo(callId);
            assertThat(interaction.userId()).isEqualTo("op-7");
            assertThat(events.drain(
                            r -> ofType(r, "crm.calls.CallStarted.v1") && callId.equals(r.key()),
                            Duration.ofMillis(500)))
                    .hasSize(1);
            assertThat(events.drain(
                            r -> id.equals(r.key()) && ofType(r, "crm.contacts.InteractionLogged.v1"),
                            Duration.ofMillis(500)))
                    .hasSize(1);
        }
        var timeline = get("/api/contacts/" + id + "/timeline", admin(tenant));
        assertThat((String) json(timeline, "$.items[0].type")).isEqualTo("CALL");
        assertThat((String) json(timeline, "$.items[0].outcome")).isEqualTo("answered");
    }

    @Test
    void aMissedCallFromAnUnknownNumberGetsACardOnlyWhenTheTenantEnablesIt() {
        String tenant = newTenant();
        var unknown = post("/api/telephony/calls", pbx(tenant), """
                {"externalCallId": "c-1", "from": "+49 30 1234567", "direction": "INBOUND", "operatorId": "op-1"}""");
        assertThat(unknown.statusCode()).isEqualTo(201);
        assertThat(json(unknown, "$.contactIds").toString()).isEqualTo("[]");
        var missed = post("/api/telephony/calls/c-1/end", pbx(tenant), "{\"answered\": false}");
        assertThat((Boolean) json(missed, "$.answered")).isFalse();
        assertThat((String) json(missed, "$.interactionId")).isNull();

        assertThat(send("PUT", "/api/contacts/settings", admin(tenant), "{\"createCardsForUnknownCallers\": true}")
                        .statusCode())
                .isEqualTo(200);
        var created = post("/api/telephony/calls", pbx(tenant), """
                {"externalCallId": "c-2", "from": "+49 30 1234567", "direction": "INBOUND", "operatorId": "op-1"}""");
        String cardId = json(created, "$.cards[0].contact.id");
        assertThat(json(created, "$.contactIds").toString()).contains(cardId);
        var missedKnown = post("/api/telephony/calls/c-2/end", pbx(tenant), "{\"answered\": false}");
        String callId = json(missedKnown, "$.callId");
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CALLS)) {
            var ended = events.await(
                    r -> callId.equals(r.key()) && ofType(r, "crm.calls.CallEnded.v1"), 1, Duration.ofSeconds(30));
            var call = (CallEnded) EventRecords.decode(ended.getFirst()).orElseThrow();
            assertThat(call.answered()).isFalse();
            assertThat(call.durationSeconds()).isZero();
            assertThat(call.contactIds()).containsExactly(cardId);
        }
        assertThat(post("/api/telephony/calls/nope/end", pbx(tenant), "{}").statusCode())
                .isEqualTo(404);
        assertThat(post("/api/telephony/calls", manager(tenant, "m1", "sales"), """
                        {"externalCallId": "c-3", "from": "+49 30 1234567", "direction": "INBOUND"}""")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void theOperatorOnACallReadsTheCallersCardOfAnotherDepartmentAndLogsTheCallUntilTheCallEnds() {
        String tenant = newTenant();
        String id = create(manager(tenant, "m1", "sales"), """
                {"kind": "PERSON", "firstName": "Vera", "lastName": "Sokolova", "phones": [{"number": "+7 495 333 44 55"}]}""");
        String operator = TestJwts.user("op-9")
                .tenant(tenant)
                .departments("call-centre")
                .roles("OPERATOR")
                .mint();
        String otherOperator = TestJwts.user("op-10")
                .tenant(tenant)
                .departments("call-centre")
                .roles("OPERATOR")
                .mint();
        String sameNameElsewhere = TestJwts.user("op-9")
                .tenant(newTenant())
                .departments("call-centre")
                .roles("OPERATOR")
                .mint();
        assertThat(get("/api/contacts/" + id, operator).statusCode()).isEqualTo(404);

        assertThat(post("/api/telephony/calls", pbx(tenant), """
                                {"externalCallId": "pop-1", "from": "84953334455", "direction": "INBOUND", "operatorId": "op-9"}""").statusCode()).isEqualTo(201);
        // the screen pop: the card, its history, and the call logged on it
        var card = get("/api/contacts/" + id, operator);
        assertThat(card.statusCode()).isEqualTo(200);
        assertThat((String) json(card, "$.displayName")).isEqualTo("Vera Sokolova");
        assertThat(get("/api/contacts/" + id + "/timeline", operator).statusCode())
                .isEqualTo(200);
        assertThat(post("/api/contacts/" + id + "/interactions", operator, """
                                {"type": "CALL", "direction": "INBOUND", "summary": "Asked about the delivery"}""").statusCode())
                .isEqualTo(201);
        // reading and logging only: no edit; nobody else on the strength of this call
        assertThat(send("PATCH", "/api/contacts/" + id, operator, "{\"city\": \"Tver\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(get("/api/contacts/" + id, otherOperator).statusCode()).isEqualTo(404);
        assertThat(get("/api/contacts/" + id, sameNameElsewhere).statusCode()).isEqualTo(404);

        assertThat(post("/api/telephony/calls/pop-1/end", pbx(tenant), "{\"durationSeconds\": 60}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/api/contacts/" + id, operator).statusCode()).isEqualTo(404);
        assertThat(post("/api/contacts/" + id + "/interactions", operator, """
                                {"type": "NOTE", "summary": "after the call"}""").statusCode())
                .isEqualTo(404);
    }
}
