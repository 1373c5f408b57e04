package org.opencrm.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;

/**
 * Item 2 of issue #12: the Kafka broker is killed and restarted while writers create cards through contacts and
 * deals consumes them (its client copies). Neither service is restarted: their readiness goes down and comes back,
 * contacts' outbox drains, deals' consumer catches up, and no event is lost.
 */
@Tag("faults")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class BrokerRestartFaultTest {

    static final int WRITERS = 3;
    static final Duration BROKER_DOWN = Duration.ofSeconds(20);

    @Test
    void servicesRideOutABrokerRestartWithoutLosingAnEvent() throws Exception {
        try (var rig = new FaultRig("broker-restart")) {
            var contacts = rig.launch("contacts", "contacts");
            var deals = rig.launch("deals", "deals");
            String api = contacts.baseUrl() + "/api/contacts";
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            var sequence = new AtomicInteger();
            var failed = new AtomicInteger();
            var writing = new AtomicBoolean(true);
            int contactsDown = 0;
            int dealsDown = 0;
            int writtenWhileDown;
            try (var writers = Executors.newFixedThreadPool(WRITERS)) {
                for (int w = 0; w < WRITERS; w++) {
                    writers.submit(() -> {
                        while (writing.get()) {
                            try {
                                var answer = rig.post(api, FaultRig.contactBody("Broker" + sequence.incrementAndGet()));
                                if (answer.status() == 201) {
                                    acknowledged.add(FaultRig.idOf(answer.body()));
                                } else {
                                    failed.incrementAndGet();
                                }
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            }
                        }
                    });
                }
                // under load before the fault: the first requests of a fresh JVM are slow
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);
                int beforeKill = acknowledged.size();
                rig.cluster.kafkaBroker().kill();
                FaultRig.log("broker killed after " + beforeKill + " acknowledged writes");
                long up = System.nanoTime() + BROKER_DOWN.toNanos();
                while (System.nanoTime() < up) {
                    if (rig.readiness(contacts) == 503) {
                        contactsDown++;
                    }
                    if (rig.readiness(deals) == 503) {
                        dealsDown++;
                    }
                    Thread.sleep(500);
                }
                writtenWhileDown = acknowledged.size() - beforeKill;
                rig.cluster.kafkaBroker().restart();
                FaultRig.log("broker restarted; " + writtenWhileDown + " writes acknowledged while it was down");
                Thread.sleep(5_000);
                writing.set(false);
            }
            assertThat(contactsDown)
                    .as("contacts' readiness reported the broker outage")
                    .isPositive();
            assertThat(dealsDown)
                    .as("deals' readiness reported the broker outage")
                    .isPositive();
            assertThat(writtenWhileDown)
                    .as("the API kept taking writes: the outbox holds them")
                    .isPositive();
            await().atMost(Duration.ofSeconds(90)).until(() -> rig.readiness(contacts) == 200);
            await().atMost(Duration.ofSeconds(90)).until(() -> rig.readiness(deals) == 200);

            var published = new HashSet<String>();
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> {
                        published.clear();
                        for (var record : rig.readAll(Topics.CONTACTS)) {
                            if (rig.tenant.equals(FaultRig.header(record, EventHeaders.TENANT))) {
                                published.add(record.key());
                            }
                        }
                        assertThat(published).as("contacts' outbox drained").containsAll(acknowledged);
                    });
            var copies = rig.database("deals").getCollection("clients");
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> {
                        var copied = new HashSet<String>();
                        copies.find(Filters.eq("tenantId", rig.tenant))
                                .projection(new Document("contactId", 1))
                                .forEach(d -> copied.add(d.getString("contactId")));
                        assertThat(copied).as("deals' consumer caught up").containsAll(acknowledged);
                    });
            FaultRig.log("broker figures: 1 broker kill for " + BROKER_DOWN.toSeconds() + " s, " + sequence.get()
                    + " writes sent, " + acknowledged.size() + " acknowledged (" + writtenWhileDown
                    + " while the broker was down), " + failed.get() + " failed, 0 events lost, readiness 503 seen "
                    + contactsDown + "x (contacts) / " + dealsDown + "x (deals)");
        }
    }
}
