package org.opencrm.platform.observability;

import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * MongoDB is up when it answers {@code ping}. Replaces Boot's indicator, which sends {@code hello}: the
 * embedded mongo-java-server used by the local run and the tests does not implement that command and would
 * always report DOWN. {@code ping} is answered by both it and real MongoDB.
 */
final class MongoPingHealthIndicator extends AbstractHealthIndicator {

    private final MongoClient client;

    MongoPingHealthIndicator(MongoClient client) {
        super("MongoDB health check failed");
        this.client = client;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        client.getDatabase("admin").runCommand(new Document("ping", 1));
        builder.up();
    }
}
