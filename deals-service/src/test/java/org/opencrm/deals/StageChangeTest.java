package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.platform.events.EventJson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/** Moving deals through the default pipeline: events, the loss-reason rule, If-Match, closing and reopening. */
class StageChangeTest extends DealsTestSupport {

    @Autowired
    MongoTemplate mongo;

    @Autowired
    MeterRegistry meters;

    private double count(String name) {
        return meters.get(name).counter().count();
    }

    @Test
    void createdMovedWonAndLostDealsMoveTheBusinessCountersOnlyWhenTheChangeIsSaved() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        double created = count("crm.deals.created");
        double changes = count("crm.deals.stage.changes");
        double won = count("crm.deals.won");
        double lost = count("crm.deals.lost");

        String winner = read(post("/api/deals", token, "{\"title\": \"Winner\"}"), "$.id");
        String loser = read(post("/api/deals", token, "{\"title\": \"Loser\"}"), "$.id");
        assertThat(post("/api/deals/" + winner + "/close", token, "{\"outcome\": \"WON\"}")
                        .statusCode())
                .isEqualTo(200);
        // Refused (no reason), then lost, then refused again (already closed): one loss.
        assertThat(post("/api/deals/" + loser + "/close", token, "{\"outcome\": \"LOST\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/api/deals/" + loser + "/close", token, "{\"outcome\": \"LOST\", \"lossReason\": \"price\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post("/api/deals/" + loser + "/close", token, "{\"outcome\": \"WON\"}")
                        .statusCode())
                .isEqualTo(409);

        // Deals opened from leads by the Kafka listener may land meanwhile: at least these two.
        assertThat(count("crm.deals.created")).isGreaterThanOrEqualTo(created + 2);
        assertThat(count("crm.deals.stage.changes")).isEqualTo(changes + 2);
        assertThat(count("crm.deals.won")).isEqualTo(won + 1);
        assertThat(count("crm.deals.lost")).isEqualTo(lost + 1);
    }

    @Test
    void aStageChangeEmitsExactlyOneDealStageChangedWithFromToAndTimeInStage() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/deals", token, """
                {"title": "Windows for the office", "contactId": "c-1", "amount": {"amount": 1200.50, "currency": "EUR"}}
                """);
        String dealId = read(created, "$.id");
        assertThat(read(created, "$.stage").toString()).isEqualTo("first-call");
        assertThat(decimal(created, "/amount/amount")).isEqualTo("1200.50");
        // The deal has been in its first stage for 90 seconds.
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(dealId)),
                new Update().set("stageEnteredAt", Date.from(Instant.now().minusSeconds(90))),
                "deals");

        var moved = send("POST", "/api/deals/" + dealId + "/stage", token, """
                {"stage": "proposal", "comment": "Sent the offer"}
                """, etag(created));

        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(etag(moved)).isNotEqualTo(etag(created));
        try (var events = dealEvents()) {
            var changes = events.await(ofDeal(dealId, "DealStageChanged"), 1, Duration.ofSeconds(30));
            assertThat(events.drain(ofDeal(dealId, "DealStageChanged"), Duration.ofSeconds(2)))
                    .hasSize(1);
            var change = EventJson.read(changes.getFirst().value(), DealStageChanged.class);
            assertThat(change.fromStage()).isEqualTo("first-call");
            assertThat(change.toStage()).isEqualTo("proposal");
            assertThat(change.fromStageKind()).isEqualTo("OPEN");
            assertThat(change.toStageKind()).isEqualTo("OPEN");
            assertThat(change.fromStagePosition()).isZero();
            assertThat(change.toStagePosition()).isEqualTo(2);
            assertThat(change.toStageProbability()).isEqualTo(50);
            assertThat(change.secondsInPreviousStage()).isBetween(90L, 150L);
            assertThat(change.ownerId()).isEqualTo("m1");
            assertThat(change.departmentId()).isEqualTo("sales");
            assertThat(change.amount().amount()).isEqualByComparingTo("1200.50");
            assertThat(change.comment()).isEqualTo("Sent the offer");
            assertThat(change.aggregateVersion()).isEqualTo(2);
        }
        var history = get("/api/deals/" + dealId + "/history", token);
        List<Map<String, Object>> stageMoves = JsonPath.read(history.body(), "$[?(@.kind == 'STAGE')]");
        assertThat(stageMoves).hasSize(1);
        assertThat(((Number) stageMoves.getFirst().get("secondsInPreviousStage")).longValue())
                .isBetween(90L, 150L);
    }

    @Autowired
    SettingsReads settingsReads;

    @Test
    void onlyALostMoveReadsTheTenantsLossReasons() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/deals", token, "{\"title\": \"Porch\"}");
        String dealId = read(created, "$.id");

        var moved = send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"proposal\"}", etag(created));

        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(settingsReads.of(tenant))
                .as("reads of the tenant's settings")
                .isZero();

        var lost = send(
                "POST",
                "/api/deals/" + dealId + "/stage",
                token,
                "{\"stage\": \"lost\", \"lossReason\": \"price\"}",
                etag(moved));

        assertThat(lost.statusCode()).isEqualTo(200);
        assertThat(settingsReads.of(tenant))
                .as("reads of the tenant's settings")
                .isEqualTo(1);
    }

    @Test
    void aLostMoveWithoutAReasonIsRefusedAndChangesNothing() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/deals", token, "{\"title\": \"Balcony\"}");
        String dealId = read(created, "$.id");

        var noReason = send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"lost\"}", etag(created));
        var unknownReason = send(
                "POST",
                "/api/deals/" + dealId + "/stage",
                token,
                "{\"stage\": \"lost\", \"lossReason\": \"bad-weather\"}",
                etag(created));

        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("lossReason");
        assertThat(unknownReason.statusCode()).isEqualTo(400);
        var after = get("/api/deals/" + dealId, token);
        assertThat(read(after, "$.stage").toString()).isEqualTo("first-call");
        assertThat(etag(after)).isEqualTo(etag(created));
        try (var events = dealEvents()) {
            assertThat(events.drain(ofDeal(dealId, "DealStageChanged"), Duration.ofSeconds(3)))
                    .isEmpty();
        }
    }

    @Test
    void aStaleIfMatchIsRefusedWith412AndAMissingOneWith428() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/deals", token, "{\"title\": \"Doors\"}");
        String dealId = read(created, "$.id");
        var first = send("PATCH", "/api/deals/" + dealId, token, "{\"title\": \"Doors and windows\"}", etag(created));
        assertThat(first.statusCode()).isEqualTo(200);

        var stalePatch = send("PATCH", "/api/deals/" + dealId, token, "{\"title\": \"Only doors\"}", etag(created));
        var staleMove =
                send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"qualified\"}", etag(created));
        var missing = send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"qualified\"}", null);

        assertThat(stalePatch.statusCode()).isEqualTo(412);
        assertThat(staleMove.statusCode()).isEqualTo(412);
        assertThat(missing.statusCode()).isEqualTo(428);
        var after = get("/api/deals/" + dealId, token);
        assertThat(read(after, "$.title").toString()).isEqualTo("Doors and windows");
        assertThat(read(after, "$.stage").toString()).isEqualTo("first-call");
    }

    @Test
    void aWonDealMovesOnlyAfterAReopenAndEachStepIsPublished() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post(
                "/api/deals", token, "{\"title\": \"Roof\", \"amount\": {\"amount\": \"300\", \"currency\": \"EUR\"}}");
        String dealId = read(created, "$.id");

        var won = send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"won\"}", etag(created));
        var movedWhileClosed =
                send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"proposal\"}", etag(won));
        var reopened = send(
                "POST", "/api/deals/" + dealId + "/reopen", token, "{\"comment\": \"Client came back\"}", etag(won));

        assertThat(won.statusCode()).isEqualTo(200);
        assertThat(movedWhileClosed.statusCode()).isEqualTo(409);
        assertThat(reopened.statusCode()).as(reopened.body()).isEqualTo(200);
        assertThat(read(reopened, "$.stage").toString()).isEqualTo("first-call");
        try (var events = dealEvents()) {
            var wonEvent = EventJson.read(
                    events.await(ofDeal(dealId, "DealWon"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealWon.class);
            var reopenedEvent = EventJson.read(
                    events.await(ofDeal(dealId, "DealReopened"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealReopened.class);
            var changes = events.await(ofDeal(dealId, "DealStageChanged"), 2, Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.read(r.value(), DealStageChanged.class))
                    .toList();
            assertThat(wonEvent.stage()).isEqualTo("won");
            assertThat(wonEvent.previousStage()).isEqualTo("first-call");
            assertThat(wonEvent.amount().amount()).isEqualByComparingTo("300");
            assertThat(reopenedEvent.fromStage()).isEqualTo("won");
            assertThat(changes).extracting(DealStageChanged::toStage).containsExactly("won", "first-call");
            assertThat(changes.get(1).fromStageKind()).isEqualTo("WON");
            // Versions are consecutive: created 1, moved 2, won 3, moved back 4, reopened 5.
            assertThat(wonEvent.aggregateVersion()).isEqualTo(3);
            assertThat(reopenedEvent.aggregateVersion()).isEqualTo(5);
        }
    }

    @Test
    void closingAsLostNeedsAReasonAndAnsweresWithTheDealAndItsETag() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/deals", token, "{\"title\": \"Garage door\"}");
        String dealId = read(created, "$.id");

        var withoutReason = post("/api/deals/" + dealId + "/close", token, "{\"outcome\": \"LOST\"}");
        var closed = post(
                "/api/deals/" + dealId + "/close",
                token,
                "{\"outcome\": \"LOST\", \"lossReason\": \"price\", \"comment\": \"Too expensive\"}");
        var again = post("/api/deals/" + dealId + "/close", token, "{\"outcome\": \"WON\"}");

        assertThat(withoutReason.statusCode()).isEqualTo(400);
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        assertThat(read(closed, "$.stage").toString()).isEqualTo("lost");
        assertThat(etag(closed)).isEqualTo("\"" + read(closed, "$.version") + "\"");
        assertThat(again.statusCode()).isEqualTo(409);
        try (var events = dealEvents()) {
            var lost = EventJson.read(
                    events.await(ofDeal(dealId, "DealLost"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealLost.class);
            assertThat(lost.lossReason()).isEqualTo("price");
            assertThat(lost.previousStage()).isEqualTo("first-call");
        }
    }
}
