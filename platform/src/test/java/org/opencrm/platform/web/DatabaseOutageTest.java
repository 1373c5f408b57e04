package org.opencrm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A database outage (issue #12, item 3): requests that need MongoDB answer a 503 problem as soon as the driver's
 * bounded server selection gives up, not a 500 after the driver's default 30 s. Regression test for the fault
 * run's finding (reliability/DatabaseOutageFaultTest).
 */
@SpringBootTest(
        classes = {PlatformTestApp.class, DatabaseOutageTest.Reader.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "crm.mongodb.server-selection-timeout=1s")
@DirtiesContext
class DatabaseOutageTest {

    /** A server of this test's own, so stopping it leaves the shared test database alone. */
    private static final MongoServer DATABASE = new MongoServer(new MemoryBackend());

    private static final InetSocketAddress ADDRESS = DATABASE.bind();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PlatformTestApp.properties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("spring.mongodb.uri", () -> "mongodb://127.0.0.1:" + ADDRESS.getPort() + "/database-outage-test");
    }

    @AfterAll
    static void stop() {
        DATABASE.shutdownNow();
    }

    @RestController
    static class Reader {

        private final MongoTemplate mongo;

        Reader(MongoTemplate mongo) {
            this.mongo = mongo;
        }

        @GetMapping("/test/records/{id}")
        Document read(@PathVariable String id) {
            var found = mongo.findById(id, Document.class, "records");
            if (found == null) {
                throw new NotFoundException("No such record.");
            }
            return found;
        }
    }

    @Test
    void aRequestDuringADatabaseOutageIsAnsweredQuicklyWithA503Problem() throws Exception {
        assertThat(get("/test/records/r1").statusCode()).isEqualTo(404);

        DATABASE.shutdownNow();
        long t0 = System.nanoTime();
        var response = get("/test/records/r1");
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body())
                .contains(ProblemType.SERVICE_UNAVAILABLE.uri().toString());
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        // crm.mongodb.server-selection-timeout=1s plus slack for a loaded machine; the driver's default is 30 s
        assertThat(millis).isLessThan(10_000);
    }

    private HttpResponse<String> get(String path) throws Exception {
        String token = TestJwts.user("u1").tenant("t1").roles("MANAGER").mint();
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
