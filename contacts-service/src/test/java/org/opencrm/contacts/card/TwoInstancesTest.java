package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.contacts.ContactsApplication;
import org.opencrm.contacts.activity.ContactActivity;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Issue #12 item 5 on contacts-service: a second instance on the same database, broker and consumer group as the test's
 * own, each consuming part of the deals, tasks, contacts and notifications topics, while a stream of deal, task,
 * interaction and unsubscribe events arrives, a third of them twice: deal and task events again on their own partition
 * (a redelivery; their order per deal and task is Kafka's), interactions and unsubscribe clicks on every partition
 * (so both instances apply them at the same time). Every event makes one timeline entry, the screen-pop summaries
 * count each open deal once (a deal moved to another card on the new card), and each unsubscribe withdraws its
 * card's consent with one card version and one {@code ContactUpdated}.
 */
class TwoInstancesTest extends ContactsApiTest {

    private static final String GROUP = "contacts-service";
    private static final List<String> TOPICS =
            List.of(Topics.DEALS, Topics.TASKS, Topics.CONTACTS, Topics.NOTIFICATIONS);
    private static final int CARDS = 8;

    private static ConfigurableApplicationContext second;
    private static final Map<ConcurrentMessageListenerContainer<?, ?>, Integer> narrowed = new LinkedHashMap<>();

    @Autowired
    Environment environment;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    ContactActivity activity;

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
            second = null;
        }
        narrowed.forEach((container, concurrency) -> {
            container.stop();
            container.setConcurrency(concurrency);
            container.start();
        });
        narrowed.clear();
    }

    @Test
    void twoInstancesApplyEveryEventOnce() throws Exception {
        String tenant = newTenant();
        String admin = admin(tenant);
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < CARDS; i++) {
            cards.add(create(admin, """
                    {"kind": "PERSON", "firstName": "Two%d", "lastName": "Instances", "consent": {"email": true}}""".formatted(i)));
        }
        Map<String, String> versions = new HashMap<>();
        cards.forEach(c -> versions.put(
                c, get("/api/contacts/" + c, admin).headers().firstValue("ETag").orElseThrow()));

        int partitions;
        try (var admin0 = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            partitions = admin0.describeTopics(List.of(Topics.DEALS))
                    .allTopicNames()
                    .get()
                    .get(Topics.DEALS)
                    .partitions()
                    .size();
            assertThat(partitions).isGreaterThan(1);
            oneThreadEach();
            startSecondInstance();
            for (String topic : TOPICS) {
                await("two members of " + GROUP + " sharing " + topic)
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> membersHolding(admin0, topic) == 2);
            }
        }

        // Per card: a deal (won for every third card), a second deal moved to the next card, a task completed for
        // every other card, an interaction and an unsubscribe click.
        List<CrmEvent> events = new ArrayList<>();
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        var money = new Money(new BigDecimal("100.00"), "EUR");
        for (int i = 0; i < CARDS; i++) {
            String card = cards.get(i);
            String deal = "deal-" + i;
            events.add(new DealCreated(
                    id(),
                    tenant,
                    deal,
                    1,
                    at,
                    Actor.user("m1"),
                    "p1",
                    "new",
                    "OPEN",
                    0,
                    10,
                    "Deal " + i,
                    card,
                    null,
                    "m1",
                    "d1",
                    money,
                    "web",
                    null,
                    null));
            if (i % 3 == 0) {
                events.add(new DealWon(
                        id(),
                        tenant,
                        deal,
                        2,
                        at.plusSeconds(1),
                        Actor.user("m1"),
                        "p1",
                        "won",
                        "new",
                        card,
                        "m1",
                        "d1",
                        money,
                        at));
            }
            String moved = "moved-" + i;
            events.add(new DealCreated(
                    id(),
                    tenant,
                    moved,
                    1,
                    at,
                    Actor.user("m1"),
                    "p1",
                    "new",
                    "OPEN",
                    0,
                    10,
                    "Moved " + i,
                    card,
                    null,
                    "m1",
                    "d1",
                    money,
                    "web",
                    null,
                    null));
            events.add(new DealUpdated(
                    id(),
                    tenant,
                    moved,
                    2,
                    at.plusSeconds(2),
                    Actor.user("m1"),
                    List.of("contactId"),
                    "p1",
                    "Moved " + i,
                    cards.get((i + 1) % CARDS),
                    null,
                    "m1",
                    "d1",
                    "web",
                    null));
            String task = "task-" + i;
            events.add(new TaskCreated(
                    id(),
                    tenant,
                    task,
                    1,
                    at,
                    Actor.system("tasks-service"),
                    "Call " + i,
                    "CALL",
                    "m1",
                    "d1",
                    at.plus(1, ChronoUnit.DAYS),
                    "NORMAL",
                    deal,
                    card,
                    null,
                    null));
            if (i % 2 == 0) {
                events.add(new TaskCompleted(
                        id(),
                        tenant,
                        task,
                        2,
                        at.plusSeconds(3),
                        Actor.user("m1"),
                        "CALL",
                        "m1",
                        "d1",
                        at.plus(1, ChronoUnit.DAYS),
                        "reached",
                        deal,
                        card,
                        null,
                        false));
            }
            events.add(new InteractionLogged(
                    id(),
                    tenant,
                    card,
                    100,
                    at,
                    Actor.user("m1"),
                    "interaction-" + i,
                    InteractionType.CALL,
                    null,
                    at.minusSeconds(i),
                    60L,
                    null,
                    "reached",
                    "m1",
                    "d1",
                    null,
                    null,
                    null));
            events.add(new ClientUnsubscribed(
                    id(),
                    tenant,
                    "opt-out-" + i,
                    1,
                    at.plus(1, ChronoUnit.DAYS),
                    Actor.system("unsubscribe-link"),
                    card,
                    NotificationChannel.EMAIL));
        }
        int records = 0;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            var record = EventRecords.toRecord(events.get(i), "/crm/test");
            boolean versioned =
                    !(events.get(i) instanceof InteractionLogged) && !(events.get(i) instanceof ClientUnsubscribed);
            if (i % 3 == 0 && versioned) {
                // Twice on its own partition, as a redelivery gives it: a deal's or task's events keep their order.
                sent.add(producer.send(record));
                sent.add(producer.send(record));
                records += 2;
            } else if (i % 3 == 0) {
                // On every partition: each instance holds one of them and applies the event, concurrently.
                for (int p = 0; p < partitions; p++) {
                    sent.add(producer.send(
                            new ProducerRecord<>(record.topic(), p, record.key(), record.value(), record.headers())));
                    records++;
                }
            } else {
                sent.add(producer.send(record));
                records++;
            }
        }
        for (var s : sent) {
            s.get();
        }

        int timelineEvents = (int) events.stream()
                .filter(e -> !(e instanceof InteractionLogged) && !(e instanceof ClientUnsubscribed))
                .count();
        var timeline = new Query(where("tenantId").is(tenant));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.count(timeline, "activity_timeline") >= timelineEvents
                        && cards.stream()
                                .allMatch(c -> Boolean.FALSE.equals(
                                        json(get("/api/contacts/" + c, admin), "$.consent.email.granted"))));
        // Give a doubled effect time to show up before counting.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);

        assertThat(mongo.count(timeline, "activity_timeline"))
                .as("timeline entries")
                .isEqualTo(timelineEvents);
        Map<String, List<String>> own = new LinkedHashMap<>();
        cards.forEach(c -> own.put(c, List.of(c)));
        var summaries = activity.summaries(own);
        for (int i = 0; i < CARDS; i++) {
            var summary = summaries.get(cards.get(i));
            String expectedSum = i % 3 == 0 ? "100" : "200";
            // its own deal unless won, and the deal moved to it from the card before
            assertThat(summary.openDeals()).as("open deals of card %d", i).isEqualTo(i % 3 == 0 ? 1 : 2);
            assertThat(summary.openDealsSum())
                    .singleElement()
                    .satisfies(sum -> assertThat(sum.amount()).isEqualByComparingTo(expectedSum));
            assertThat(summary.nextOpenTask() == null)
                    .as("task of card %d done", i)
                    .isEqualTo(i % 2 == 0);
            assertThat(summary.lastInteraction().interactionId()).isEqualTo("interaction-" + i);
        }
        for (String card : cards) {
            String etag = get("/api/contacts/" + card, admin)
                    .headers()
                    .firstValue("ETag")
                    .orElseThrow();
            assertThat(version(etag))
                    .as("card version after one withdrawal")
                    .isEqualTo(version(versions.get(card)) + 1);
        }
        try (var contactEvents =
                KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> withdrawn =
                    r -> cards.contains(r.key())
                            && "crm.contacts.ContactUpdated.v1"
                                    .equals(EventRecords.header(r.headers(), org.opencrm.events.EventHeaders.TYPE)
                                            .orElse(null));
            contactEvents.await(withdrawn, CARDS, Duration.ofSeconds(30));
            var updated = contactEvents.drain(withdrawn, Duration.ofSeconds(2));
            assertThat(updated).as("ContactUpdated per card").hasSize(CARDS);
        }
        System.out.println("[reliability] contacts-service two instances: " + records + " records (" + events.size()
                + " distinct events), " + timelineEvents + " timeline entries, " + CARDS
                + " consents withdrawn once each, 0 duplicated, 0 lost");
    }

    private static long version(String etag) {
        return Long.parseLong(etag.replaceAll("[^0-9]", ""));
    }

    private void startSecondInstance() {
        if (second != null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>(TestJwts.springProperties());
        properties.put("server.port", "0");
        properties.put("crm.consumer.concurrency", "1");
        properties.put("spring.mongodb.uri", environment.getProperty("spring.mongodb.uri"));
        properties.put("spring.kafka.bootstrap-servers", environment.getProperty("spring.kafka.bootstrap-servers"));
        // As command-line arguments, so they outrank application.yml like the test context's properties do.
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        second = new SpringApplicationBuilder(ContactsApplication.class).run(args);
    }

    /**
     * One listener thread per topic in the shared context too while this test runs (as two single-threaded
     * instances): with a thread per partition, one instance alone could hold every partition. Restored afterwards.
     */
    private void oneThreadEach() {
        for (var container : listeners.getListenerContainers()) {
            if (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent
                    && Arrays.stream(concurrent.getContainerProperties().getTopics())
                            .anyMatch(TOPICS::contains)) {
                narrowed.put(concurrent, concurrent.getConcurrency());
                concurrent.stop();
                concurrent.setConcurrency(1);
                concurrent.start();
            }
        }
        assertThat(narrowed).as("listener containers of %s", TOPICS).hasSize(TOPICS.size());
    }

    /** How many members of the group hold partitions of the topic. */
    private static long membersHolding(Admin admin, String topic) throws Exception {
        var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        return group.members().stream()
                .filter(m -> m.assignment().topicPartitions().stream()
                        .map(TopicPartition::topic)
                        .anyMatch(topic::equals))
                .count();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
