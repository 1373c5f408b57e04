package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.platform.events.EventJson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/** Client copies follow contacts events: merges re-point deals, erasure removes the client's name. */
class ContactsEventsTest extends DealsTestSupport {

    @Autowired
    MongoTemplate mongo;

    @Test
    void aContactsMergedRepointsTheLosersDealsToTheSurvivor() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String loserDeal1 = createDeal(token, "{\"title\": \"Fence\", \"contactId\": \"loser\"}");
        String loserDeal2 = createDeal(token, "{\"title\": \"Gate\", \"contactId\": \"loser\"}");
        String survivorDeal = createDeal(token, "{\"title\": \"Garden\", \"contactId\": \"survivor\"}");

        publish(new ContactsMerged(
                UUID.randomUUID().toString(),
                tenant,
                "survivor",
                7,
                Instant.now(),
                Actor.user("m1"),
                "loser",
                "m1",
                "sales",
                null,
                new ContactDetails("Olga Ivanova", "Riga", "Brivibas 1")));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("/api/deals?contactId=survivor", token)))
                        .containsExactlyInAnyOrder(loserDeal1, loserDeal2, survivorDeal));
        assertThat(ids(get("/api/deals?contactId=loser", token))).isEmpty();
        try (var events = dealEvents()) {
            var update = EventJson.read(
                    events.await(ofDeal(loserDeal1, "DealUpdated"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealUpdated.class);
            assertThat(update.changedFields()).containsExactly("contactId");
            assertThat(update.contactId()).isEqualTo("survivor");
        }
        // A lead keyed by the merged card after the merge lands on the survivor.
        publish(LeadToDealTest.lead(tenant, "loser", "lead-after-merge"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("/api/deals?contactId=survivor", admin(tenant))))
                        .hasSize(4));
    }

    @Test
    void anErasedClientsNameIsCutFromTheirDealsAndHistory() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        publish(LeadToDealTest.contact(tenant, "c-9", "Pavel Sidorov"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-9")), "clients"));
        var created = post("/api/deals", token, "{\"title\": \"Windows for Pavel Sidorov\", \"contactId\": \"c-9\"}");
        String dealId = read(created, "$.id");
        send(
                "POST",
                "/api/deals/" + dealId + "/stage",
                token,
                "{\"stage\": \"qualified\", \"comment\": \"pavel sidorov agreed to a visit\"}",
                etag(created));

        publish(new ContactErased(UUID.randomUUID().toString(), tenant, "c-9", 5, Instant.now(), Actor.user("dpo")));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(read(get("/api/deals/" + dealId, token), "$.title")
                                .toString())
                        .isEqualTo("Windows for [erased]"));
        assertThat(get("/api/deals/" + dealId + "/history", token).body())
                .doesNotContainIgnoringCase("sidorov")
                .contains("[erased] agreed to a visit");
        var copy = mongo.findById(tenant + ":c-9", org.bson.Document.class, "clients");
        assertThat(copy.getBoolean("erased")).isTrue();
        assertThat(copy).doesNotContainKey("displayName");
    }

    @Test
    void anErasureAfterARenameCutsTheNameTheDealWasTitledWithToo() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        publish(LeadToDealTest.contact(tenant, "c-7", "Maria Petrova"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-7")), "clients"));
        var created = post("/api/deals", token, "{\"title\": \"Lead: Maria Petrova\", \"contactId\": \"c-7\"}");
        String dealId = read(created, "$.id");
        // she marries: the card's name changes after the deal was titled
        publish(new ContactUpdated(
                UUID.randomUUID().toString(),
                tenant,
                "c-7",
                2,
                Instant.now(),
                Actor.user("op-1"),
                java.util.List.of("details"),
                null,
                "sales",
                null,
                null,
                new ContactDetails("Maria Ivanova", "Berlin", "Hauptstr. 1")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "Maria Ivanova"
                        .equals(mongo.findById(tenant + ":c-7", org.bson.Document.class, "clients")
                                .getString("displayName")));

        publish(new ContactErased(UUID.randomUUID().toString(), tenant, "c-7", 3, Instant.now(), Actor.user("dpo")));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(read(get("/api/deals/" + dealId, token), "$.title")
                                .toString())
                        .isEqualTo("Lead: [erased]"));
        var copy = mongo.findById(tenant + ":c-7", org.bson.Document.class, "clients");
        assertThat(copy.toJson()).doesNotContain("Maria");
    }

    @Test
    void anErasureAfterAMergeCutsTheMergedCardsNameFromItsRepointedDealsToo() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        publish(LeadToDealTest.contact(tenant, "c-old", "Anna Berg"));
        publish(LeadToDealTest.contact(tenant, "c-new", "Anna Lind"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-old")), "clients")
                        && mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-new")), "clients"));
        String dealId =
                read(post("/api/deals", token, "{\"title\": \"Lead: Anna Berg\", \"contactId\": \"c-old\"}"), "$.id");
        // the two cards were one person: the old card's deal moves to the survivor
        publish(new ContactsMerged(
                UUID.randomUUID().toString(),
                tenant,
                "c-new",
                2,
                Instant.now(),
                Actor.user("m1"),
                "c-old",
                "m1",
                "sales",
                null,
                new ContactDetails("Anna Lind", "Oslo", "Storgata 2")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "c-new".equals(read(get("/api/deals/" + dealId, token), "$.contactId")));

        publish(new ContactErased(UUID.randomUUID().toString(), tenant, "c-new", 3, Instant.now(), Actor.user("dpo")));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(read(get("/api/deals/" + dealId, token), "$.title")
                                .toString())
                        .isEqualTo("Lead: [erased]"));
        // neither the survivor's copy nor the merged card's keeps a name
        assertThat(mongo.find(Query.query(Criteria.where("tenantId").is(tenant)), org.bson.Document.class, "clients"))
                .hasSize(2)
                .allSatisfy(copy -> assertThat(copy.toJson()).doesNotContain("Anna", "Oslo", "Storgata"));
    }
}
