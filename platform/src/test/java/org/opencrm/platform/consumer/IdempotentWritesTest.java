package org.opencrm.platform.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.result.UpdateResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.testkit.TestInfrastructure;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.core.query.UpdateDefinition;

/** The idempotent writes when two consumers race to create the same document. */
class IdempotentWritesTest {

    private static MongoClient client;
    private static MongoTemplate mongo;
    private static IdempotentWrites writes;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestInfrastructure.mongoUri("idempotent-" + UUID.randomUUID()));
        mongo = new MongoTemplate(client, "idempotent");
        writes = new IdempotentWrites(mongo);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void anEventWhoseUpsertLostTheRaceToCreateTheDocumentIsStillApplied() {
        // The interleaving a real replica set produces under load, made deterministic: another consumer
        // creates the counter between this upsert's filter and its insert, so the insert hits the _id.
        var racing = new MongoTemplate(client, "idempotent") {
            private boolean raced;

            @Override
            public UpdateResult upsert(Query query, UpdateDefinition update, String collection) {
                if (!raced) {
                    raced = true;
                    mongo.insert(new Document("_id", "raced-counter").append("moves", 1), collection);
                    throw new DuplicateKeyException("E11000 duplicate key error: _id raced-counter");
                }
                return super.upsert(query, update, collection);
            }
        };

        boolean applied = new IdempotentWrites(racing)
                .applyOnce("counters", "raced-counter", moved(1), new Update().inc("moves", 1));

        assertThat(applied).isTrue();
        assertThat(mongo.findById("raced-counter", Document.class, "counters").getInteger("moves"))
                .isEqualTo(2);
    }

    @Test
    void theSameEventTwiceIsAppliedOnce() {
        var event = moved(1);
        assertThat(writes.applyOnce("counters", "single", event, new Update().inc("moves", 1)))
                .isTrue();
        assertThat(writes.applyOnce("counters", "single", event, new Update().inc("moves", 1)))
                .isFalse();
        assertThat(mongo.findById("single", Document.class, "counters").getInteger("moves"))
                .isEqualTo(1);
    }

    @Test
    void anOlderVersionIsNotAppliedOverANewerOne() {
        assertThat(writes.applyIfNewer("views", "deal-1", moved(3), new Update().set("stage", "three")))
                .isTrue();
        assertThat(writes.applyIfNewer("views", "deal-1", moved(2), new Update().set("stage", "two")))
                .isFalse();
        assertThat(writes.applyIfNewer("views", "deal-1", moved(3), new Update().set("stage", "again")))
                .isFalse();
        assertThat(mongo.findById("deal-1", Document.class, "views").getString("stage"))
                .isEqualTo("three");
    }

    private static DealStageChanged moved(long version) {
        return new DealStageChanged(
                UUID.randomUUID().toString(),
                "tenant-1",
                "deal-1",
                version,
                Instant.now(),
                Actor.user("manager-1"),
                "pipeline-1",
                "first-call",
                "measurement",
                "OPEN",
                "manager-1",
                "department-1",
                null,
                null,
                "contact-1",
                "OPEN",
                0,
                1,
                20,
                new Money(new BigDecimal("100.00"), "EUR"),
                10);
    }
}
