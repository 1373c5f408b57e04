package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Issue #12 item 5 on deals-service's consumers of cards, tasks and teams: a second instance on the same database,
 * broker and consumer group as the test's own, each consuming part of the contacts, tasks and teams topics, while
 * streams of card, lead, erasure, task and team events arrive, a third of them twice: leads on every partition (so
 * both instances open the lead's deal at the same time), the others again on their own partition (a redelivery; the
 * order per card, task and team is Kafka's). One client copy per card with its newest name, one deal per lead with
 * managers in exact turns, one change per erased client's deal (its version raised once), one task holder per task
 * with its newest assignee and the newest roster.
 */
class TwoInstancesConsumersTest extends DealsTestSupport {

    private static final String GROUP = "deals-service";
    private static final List<String> TOPICS = List.of(Topics.CONTACTS, Topics.TASKS, Topics.TEAMS);
    private static final int CARDS = 12;
    private static final int LEADS = 9;
    private static final int ERASED = 3;

    private static ConfigurableApplicationContext second;
    private static final Map<ConcurrentMessageListenerContainer<?, ?>, Integer> narrowed = new LinkedHashMap<>();

    @Autowired
    Environment environment;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private int partitions;
    private int records;

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
    void twoInstancesApplyEveryCardTaskAndTeamEventOnce() throws Exception {
        String tenant = newTenant();
        String token = admin(tenant);
        publish(LeadToDealTest.team(
                tenant,
                "sales",
                List.of(
                        LeadToDealTest.member("anna", "MANAGER", true, null),
                        LeadToDealTest.member("boris", "MANAGER", true, null),
                        LeadToDealTest.member("clara", "MANAGER", true, null))));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":sales")), "teams"));
        try (var admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            partitions = admin.describeTopics(List.of(Topics.CONTACTS))
                    .allTopicNames()
                    .get()
                    .get(Topics.CONTACTS)
                    .partitions()
                    .size();
            assertThat(partitions).isGreaterThan(1);
            oneThreadEach();
            startSecondInstance();
            for (String topic : TOPICS) {
                await("two members of " + GROUP + " sharing " + topic)
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> membersHolding(admin, topic) == 2);
            }
        }

        // Cards, every other one renamed.
        List<CrmEvent> cards = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < CARDS; i++) {
            String card = "c-" + i;
            cards.add(LeadToDealTest.contact(tenant, card, "Client " + i));
            names.put(card, "Client " + i);
            if (i % 2 == 0) {
                names.put(card, "Client " + i + " v2");
                cards.add(new ContactUpdated(
                        id(),
                        tenant,
                        card,
                        2,
                        Instant.now(),
                        Actor.user("op-1"),
                        List.of("displayName"),
                        null,
                        "sales",
                        null,
                        null,
                        new ContactDetails(names.get(card), "Berlin", "Hauptstr. 1")));
            }
        }
        send(cards);
        var clients = Query.query(Criteria.where("tenantId").is(tenant));
        await().atMost(Duration.ofSeconds(30)).until(() -> names.equals(clientNames(clients)));

        // A lead for each of the first cards.
        List<CrmEvent> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            leads.add(LeadToDealTest.lead(tenant, "c-" + i, "lead-" + i));
        }
        send(leads);
        await().atMost(Duration.ofSeconds(30)).until(() -> mongo.count(clients, "deals") >= LEADS);
        Map<String, String> versionsBefore = new HashMap<>();
        for (int i = 0; i < ERASED; i++) {
            String deal = dealOf(tenant, i);
            versionsBefore.put(deal, etag(get("/api/deals/" + deal, token)));
        }

        // Erasures, tasks on the leads' deals (every third reassigned) and a new roster without clara.
        List<CrmEvent> rest = new ArrayList<>();
        for (int i = 0; i < ERASED; i++) {
            rest.add(new ContactErased(id(), tenant, "c-" + i, 4, Instant.now(), Actor.user("op-1")));
        }
        for (int i = 0; i < LEADS; i++) {
            rest.add(new TaskCreated(
                    id(),
                    tenant,
                    "task-" + i,
                    1,
                    Instant.now(),
                    Actor.system("tasks-service"),
                    "Measure " + i,
                    "VISIT",
                    "measurer-" + i,
                    "measure",
                    null,
                    "NORMAL",
                    dealOf(tenant, i),
                    null,
                    null,
                    null));
            if (i % 3 == 0) {
                rest.add(new TaskReassigned(
                        id(),
                        tenant,
                        "task-" + i,
                        2,
                        Instant.now(),
                        Actor.user("head-1"),
                        "measurer-" + i,
                        "measurer-" + i + "b",
                        "measure",
                        ReassignmentReason.MANUAL,
                        "Measure " + i,
                        null,
                        dealOf(tenant, i),
                        null));
            }
        }
        TeamUpdated team = LeadToDealTest.team(
                tenant,
                "sales",
                List.of(
                        LeadToDealTest.member("anna", "MANAGER", true, null),
                        LeadToDealTest.member("boris", "MANAGER", true, null)));
        rest.add(new TeamUpdated(
                team.eventId(),
                tenant,
                "sales",
                2,
                team.occurredAt(),
                team.actor(),
                team.name(),
                true,
                team.headUserIds(),
                team.members()));
        send(rest);

        var holders = Query.query(Criteria.where("tenantId").is(tenant));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.count(holders, "deal_task_holders") >= LEADS
                        && mongo.count(
                                        Query.query(Criteria.where("tenantId")
                                                .is(tenant)
                                                .and("erased")
                                                .is(true)),
                                        "clients")
                                == ERASED
                        && mongo.findById(tenant + ":sales", org.bson.Document.class, "teams")
                                        .getList("members", org.bson.Document.class)
                                        .size()
                                == 2);
        // Give a doubled effect time to show up before counting.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);

        // One client copy per card, with its newest name (or none, erased).
        var copies = mongo.find(clients, org.bson.Document.class, "clients");
        assertThat(copies).hasSize(CARDS);
        for (var copy : copies) {
            int i = Integer.parseInt(copy.getString("contactId").substring(2));
            assertThat(copy.getString("displayName")).isEqualTo(i < ERASED ? null : names.get("c-" + i));
        }
        // One deal per lead, managers in exact turns, and each erased client's deal changed once.
        var page = get("/api/deals?size=200", token);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> leadIds = read(page, "$.items[*].leadId");
        assertThat(leadIds).hasSize(LEADS).doesNotHaveDuplicates();
        List<String> owners = read(page, "$.items[*].ownerId");
        assertThat(owners.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
                .isEqualTo(Map.of("anna", 3L, "boris", 3L, "clara", 3L));
        for (int i = 0; i < ERASED; i++) {
            var deal = get("/api/deals/" + dealOf(tenant, i), token);
            assertThat((String) read(deal, "$.title")).isEqualTo("Lead: [erased]");
            assertThat(version(etag(deal)))
                    .as("version of erased client's deal %d (one change, however many deliveries)", i)
                    .isEqualTo(version(versionsBefore.get(dealOf(tenant, i))) + 1);
        }
        // One task holder per task, with its newest assignee.
        var held = mongo.find(holders, org.bson.Document.class, "deal_task_holders");
        assertThat(held).hasSize(LEADS);
        for (var holder : held) {
            int i = Integer.parseInt(holder.getString("taskId").substring(5));
            assertThat(holder.getString("dealId")).isEqualTo(dealOf(tenant, i));
            assertThat(holder.getString("assigneeId")).isEqualTo("measurer-" + i + (i % 3 == 0 ? "b" : ""));
        }
        System.out.println("[reliability] deals-service two instances: " + records + " records, " + CARDS
                + " client copies, " + LEADS + " deals from leads (3 per manager), " + ERASED
                + " erasures applied once, " + LEADS + " task holders, 0 duplicated, 0 lost");
    }

    /** Sends the events, every third one twice, and waits until the broker has them all. */
    private void send(List<CrmEvent> events) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            var record = EventRecords.toRecord(events.get(i), "/crm/test");
            if (i % 3 == 0 && !(events.get(i) instanceof LeadReceived)) {
                // Twice on its own partition, as a redelivery gives it: a card's, task's or team's order is Kafka's.
                sent.add(producer.send(record));
                sent.add(producer.send(record));
            } else if (i % 3 == 0) {
                // A lead on every partition: each instance holds one of them and opens the deal, concurrently.
                for (int p = 0; p < partitions; p++) {
                    sent.add(producer.send(
                            new ProducerRecord<>(record.topic(), p, record.key(), record.value(), record.headers())));
                }
            } else {
                sent.add(producer.send(record));
            }
        }
        for (var s : sent) {
            s.get();
        }
        records += sent.size();
    }

    private Map<String, String> clientNames(Query clients) {
        Map<String, String> result = new LinkedHashMap<>();
        mongo.find(clients, org.bson.Document.class, "clients")
                .forEach(c -> result.put(c.getString("contactId"), c.getString("displayName")));
        return result.size() == CARDS ? new LinkedHashMap<>(sorted(result)) : result;
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < CARDS; i++) {
            result.put("c-" + i, map.get("c-" + i));
        }
        return result;
    }

    private static String dealOf(String tenant, int lead) {
        return EventIds.derive(tenant + "/lead-" + lead, "lead-deal");
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
        second = new SpringApplicationBuilder(DealsApplication.class).run(args);
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
