package org.opencrm.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;

/**
 * Item 3 of issue #12: the MongoDB-protocol server goes away for 30 s while contacts serves reads and writes. The
 * API answers 503 problems within a bounded time (no thread waits for the database longer than the driver's
 * server selection timeout), nothing half-written appears, readiness goes down and comes back, and the service
 * serves again without a restart. An event deals consumes during the outage waits for the database and is applied
 * afterwards instead of being dead-lettered.
 */
@Tag("faults")
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class DatabaseOutageFaultTest {

    static final Duration OUTAGE = Duration.ofSeconds(30);

    /** What a client may wait for an answer during the outage: the driver's server selection timeout plus slack. */
    static final long MAX_ANSWER_MILLIS = 10_000;

    @Test
    void aDatabaseOutageAnswers503QuicklyWritesNothingAndRecoversWithoutARestart() throws Exception {
        try (var rig = new FaultRig("database-outage")) {
            var contacts = rig.launch("contacts", "contacts");
            rig.launch("deals", "deals");
            var api = contacts.baseUrl() + "/api/contacts";
            var before = rig.post(api, FaultRig.contactBody("Before"));
            assertThat(before.status()).as(before.body()).isEqualTo(201);
            String existing = FaultRig.idOf(before.body());
            var copies = rig.database("deals").getCollection("clients");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> copies.countDocuments(Filters.eq("contactId", existing)) == 1);
            var template = rig.readAll(Topics.CONTACTS).stream()
                    .filter(r -> existing.equals(r.key()))
                    .findFirst()
                    .orElseThrow();

            rig.cluster.stopMongo();
            FaultRig.log("database stopped");
            // an event deals consumes while its database is away: it must wait for the database, not be dead-lettered
            String consumedDuringOutage = UUID.randomUUID().toString();
            try (var producer = rig.producer()) {
                producer.send(FaultRig.copyOf(template, existing, consumedDuringOutage, Topics.CONTACTS))
                        .get();
            }
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            var answers = new ArrayList<FaultRig.Answer>();
            var attempted = new ArrayList<String>();
            var readinessDown = new AtomicInteger();
            try (var pool = Executors.newFixedThreadPool(4)) {
                int n = 0;
                while (System.nanoTime() < outageEnds) {
                    var batch = new ArrayList<CompletableFuture<FaultRig.Answer>>();
                    for (int i = 0; i < 4; i++) {
                        String name = "Outage" + n++;
                        attempted.add(name);
                        batch.add(CompletableFuture.supplyAsync(
                                () -> call(() -> rig.post(api, FaultRig.contactBody(name))), pool));
                    }
                    batch.add(CompletableFuture.supplyAsync(() -> call(() -> rig.get(api + "/" + existing)), pool));
                    batch.forEach(f -> answers.add(f.join()));
                    if (rig.readiness(contacts) == 503) {
                        readinessDown.incrementAndGet();
                    }
                }
            }
            rig.cluster.restartMongo();
            FaultRig.log("database back after " + OUTAGE.toSeconds() + " s; " + answers.size() + " requests during it");

            long slowest =
                    answers.stream().mapToLong(FaultRig.Answer::millis).max().orElse(0);
            var statuses =
                    answers.stream().map(FaultRig.Answer::status).distinct().toList();
            FaultRig.log("statuses " + statuses + ", slowest answer " + slowest + " ms, readiness 503 seen "
                    + readinessDown.get() + " times");
            assertThat(answers).isNotEmpty().allSatisfy(answer -> {
                assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.body()).contains("service-unavailable");
                assertThat(answer.millis()).isLessThan(MAX_ANSWER_MILLIS);
            });
            assertThat(readinessDown.get()).as("readiness reported the outage").isPositive();

            await().atMost(Duration.ofSeconds(60)).until(() -> rig.readiness(contacts) == 200);
            var after = rig.post(api, FaultRig.contactBody("After"));
            assertThat(after.status()).as(after.body()).isEqualTo(201);
            assertThat(rig.get(api + "/" + existing).status()).isEqualTo(200);

            // nothing the outage refused was stored or published
            var cards = rig.database("contacts").getCollection("contacts");
            assertThat(cards.countDocuments(Filters.regex("lastName", "^Outage")))
                    .isZero();
            String afterId = FaultRig.idOf(after.body());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> rig.readAll(Topics.CONTACTS).stream().anyMatch(r -> afterId.equals(r.key())));
            List<String> published = rig.readAll(Topics.CONTACTS).stream()
                    .map(r -> r.value())
                    .filter(v -> v.contains("\"Outage"))
                    .toList();
            assertThat(published).isEmpty();
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> copies.countDocuments(Filters.eq("contactId", consumedDuringOutage)) == 1);
            assertThat(rig.readAll(Topics.CONTACTS + ".DLT").stream()
                            .filter(r -> rig.tenant.equals(FaultRig.header(r, EventHeaders.TENANT))))
                    .as("nothing dead-lettered because of the outage")
                    .isEmpty();
            FaultRig.log("outage figures: " + attempted.size() + " writes refused, 0 stored, 0 published; "
                    + "1 event consumed during the outage applied afterwards, 0 dead-lettered");
        }
    }

    interface Call {
        FaultRig.Answer run() throws Exception;
    }

    static FaultRig.Answer call(Call call) {
        long t0 = System.nanoTime();
        try {
            return call.run();
        } catch (Exception e) {
            // a timeout or a dropped connection counts as a failed answer with the time it took
            return new FaultRig.Answer(-1, e.toString(), "", (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
