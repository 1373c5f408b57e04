package org.opencrm.deals.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.TestInfrastructure;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.UpdateDefinition;

/** The department's lead counter when two first leads race to create it. */
class RoundRobinTest {

    private static MongoClient client;
    private static MongoTemplate mongo;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestInfrastructure.mongoUri("round-robin-" + UUID.randomUUID()));
        mongo = new MongoTemplate(client, "round-robin");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void aLeadWhoseFirstInsertCollidedWithAnotherLeadsGetsTheNextTurn() {
        // The interleaving a replica set produces: another instance creates the cursor for its own first
        // lead between this lead's filter and its insert, so the insert hits the _id.
        var racing = new MongoTemplate(client, "round-robin") {
            private boolean raced;

            @Override
            public <T> T findAndModify(
                    Query query,
                    UpdateDefinition update,
                    FindAndModifyOptions options,
                    Class<T> entityClass,
                    String collectionName) {
                if (!raced) {
                    raced = true;
                    mongo.insert(
                            new Document("_id", "t1:sales").append("seq", 1L).append("recent", List.of("lead-a")),
                            collectionName);
                    throw new DuplicateKeyException("E11000 duplicate key error: _id t1:sales");
                }
                return super.findAndModify(query, update, options, entityClass, collectionName);
            }
        };

        var roundRobin = new RoundRobin(racing);

        assertThat(roundRobin.turnOf("t1", "sales", "lead-b")).isEqualTo(2);
        assertThat(new RoundRobin(mongo).turnOf("t1", "sales", "lead-a")).isEqualTo(1);
        assertThat(new RoundRobin(mongo).turnOf("t1", "sales", "lead-b")).isEqualTo(2);
    }
}
