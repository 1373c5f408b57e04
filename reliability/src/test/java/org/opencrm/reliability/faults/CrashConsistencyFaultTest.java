package org.opencrm.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * Item 1 of issue #12: contacts is killed with SIGKILL ({@code Process.destroyForcibly}) while writers stream card
 * creations through its API, {@link #CRASHES} times. After the last restart every creation the API acknowledged
 * (201) is stored and its ContactCreated reached Kafka, and every ContactCreated on the topic belongs to a stored
 * card: nothing unacknowledged appears as published without being stored.
 */
@Tag("faults")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class CrashConsistencyFaultTest {

    static final int CRASHES = 3;
    static final int WRITERS = 4;
    static final Duration WRITES_BEFORE_CRASH = Duration.ofSeconds(8);

    @Test
    void everyAcknowledgedWriteSurvivesAKillMinus9AndReachesKafka() throws Exception {
        try (var rig = new FaultRig("crash-consistency")) {
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Set<String> unanswered = ConcurrentHashMap.newKeySet();
            var sequence = new AtomicInteger();
            var refused = new AtomicInteger();
            var contacts = rig.launch("contacts-0", "contacts");
            for (int crash = 1; crash <= CRASHES; crash++) {
                String api = contacts.baseUrl() + "/api/contacts";
                var writing = new AtomicBoolean(true);
                try (var writers = Executors.newFixedThreadPool(WRITERS)) {
                    for (int w = 0; w < WRITERS; w++) {
                        writers.submit(() -> {
                            while (writing.get()) {
                                String name = "Crash" + sequence.incrementAndGet();
                                try {
                                    var answer = rig.post(api, FaultRig.contactBody(name));
                                    if (answer.status() == 201) {
                                        acknowledged.add(FaultRig.idOf(answer.body()));
                                    } else {
                                        refused.incrementAndGet();
                                        unanswered.add(name);
                                    }
                                } catch (Exception e) {
                                    // the process died under this request: its outcome is unknown to the client
                                    unanswered.add(name);
                                }
                            }
                        });
                    }
                    Thread.sleep(WRITES_BEFORE_CRASH.toMillis());
                    contacts.kill();
                    FaultRig.log("crash " + crash + ": kill -9 after " + acknowledged.size() + " acknowledged writes");
                    writing.set(false);
                }
                contacts = rig.launch("contacts-" + crash, "contacts");
            }

            var cards = rig.database("contacts").getCollection("contacts");
            var stored = new HashSet<String>();
            cards.find(Filters.eq("tenantId", rig.tenant))
                    .projection(new Document("_id", 1))
                    .forEach(d -> stored.add(d.get("_id").toString()));
            assertThat(stored).as("every acknowledged write is stored").containsAll(acknowledged);

            // the restarted instance's relay (or sweeper) publishes whatever the killed one left behind
            var published = new ConcurrentHashMap<String, Integer>();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        published.clear();
                        for (var record : rig.readAll(Topics.CONTACTS)) {
                            if (rig.tenant.equals(FaultRig.header(record, EventHeaders.TENANT))
                                    && String.valueOf(FaultRig.header(record, EventHeaders.TYPE))
                                            .contains("ContactCreated")) {
                                published.merge(record.key(), 1, Integer::sum);
                            }
                        }
                        // stored covers acknowledged: a write the client never heard of but the database kept is
                        // published too
                        assertThat(published.keySet())
                                .as("every stored (so every acknowledged) write's event reached Kafka")
                                .containsAll(stored);
                    });
            assertThat(stored).as("nothing published without being stored").containsAll(published.keySet());
            long duplicates = published.values().stream().filter(n -> n > 1).count();
            List<String> lostInFlight = new ArrayList<>(unanswered);
            FaultRig.log("crash figures: " + CRASHES + " kill -9, " + (sequence.get()) + " writes sent, "
                    + acknowledged.size() + " acknowledged, " + unanswered.size() + " unanswered or refused ("
                    + refused.get() + " refused), " + (stored.size() - acknowledged.size())
                    + " stored without an acknowledgement, 0 acknowledged lost, " + published.size()
                    + " cards published, " + duplicates + " published more than once (at-least-once), "
                    + lostInFlight.size() + " outcomes unknown to the client");
        }
    }
}
