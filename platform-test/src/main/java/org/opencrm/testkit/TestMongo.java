package org.opencrm.testkit;

import de.bwaldvogel.mongo.MongoServer;
import org.opencrm.testkit.mongo.IdIndexedMemoryBackend;
import org.testcontainers.mongodb.MongoDBContainer;

/** The shared MongoDB-protocol server: from the environment, a container, or embedded in this JVM. */
final class TestMongo {

    static final String MONGO_IMAGE = "mongo:8.0";

    private final String baseUri;
    private final String description;

    private TestMongo(String baseUri, String description) {
        this.baseUri = baseUri.endsWith("/") ? baseUri.substring(0, baseUri.length() - 1) : baseUri;
        this.description = description;
    }

    static TestMongo resolve() {
        var fromEnv = TestInfrastructure.env(TestInfrastructure.MONGODB_ENV);
        if (fromEnv.isPresent()) {
            return new TestMongo(stripDatabase(fromEnv.get()), "environment");
        }
        if (TestInfrastructure.dockerAvailable()) {
            var container = new MongoDBContainer(MONGO_IMAGE).withReplicaSet();
            container.start();
            return new TestMongo(
                    stripDatabase(container.getReplicaSetUrl()), "container " + MONGO_IMAGE + " (replica set)");
        }
        // answers {_id, version} filters from the _id index, as MongoDB does (see IdIndexedMemoryBackend)
        var server = new MongoServer(new IdIndexedMemoryBackend());
        server.bind("127.0.0.1", 0);
        var address = server.getLocalAddress();
        // No shutdown hook: the server dies with the JVM. Stopping it in a hook raced the Spring contexts
        // closing in theirs, whose scheduled tasks then waited 30 s for a server that was gone.
        return new TestMongo(
                "mongodb://127.0.0.1:" + address.getPort(),
                "embedded mongo-java-server 127.0.0.1:" + address.getPort());
    }

    String uri(String database) {
        int query = baseUri.indexOf('?');
        return query < 0
                ? baseUri + "/" + database
                : baseUri.substring(0, query) + "/" + database + baseUri.substring(query);
    }

    String description() {
        return description;
    }

    /** Drops the database path of a URI, keeping its options: tests choose their own database. */
    private static String stripDatabase(String uri) {
        int schemeEnd = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', schemeEnd);
        if (slash < 0) {
            return uri;
        }
        int query = uri.indexOf('?', slash);
        return uri.substring(0, slash) + (query < 0 ? "" : uri.substring(query));
    }
}
