package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.platform.events.EventJson;
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
 * A second deals-service instance on the same database, broker and consumer group as the test's own, with
 * the contacts topic's partitions split between the two: a burst of leads, some delivered twice to the same
 * instance and some to both at once, still makes one deal per lead and one {@code DealCreated} per deal, and
 * the round-robin hands every manager exactly the same number of leads.
 */
class TwoInstancesLeadIntakeTest extends DealsTestSupport {

    private static final String GROUP = "deals-service";
    private static final int LEADS = 30;

    private static ConfigurableApplicationContext second;

    @Autowired
    Environment environment;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /** The shared context's contacts listener, run with one thread during this test (see {@link #oneThreadEach}). */
    private static ConcurrentMessageListenerContainer<?, ?> contactsListener;

    private static int contactsListenerConcurrency;

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
            second = null;
        }
        if (contactsListener != null) {
            contactsListener.stop();
            contactsListener.setConcurrency(contactsListenerConcurrency);
            contactsListener.start();
            contactsListener = null;
        }
    }

    @Test
    void twoInstancesMakeOneDealPerLeadAndRotateOwnersExactly() throws Exception {
        String tenant = newTenant();
        publish(LeadToDealTest.team(
                tenant,
                "sales",
                List.of(
                        LeadToDealTest.member("anna", "MANAGER", true, null),
                        LeadToDealTest.member("head-1", "HEAD", true, null),
                        LeadToDealTest.member("boris", "MANAGER", true, null),
                        LeadToDealTest.member("clara", "MANAGER", true, null))));
        // Teams come on another topic than leads: nothing orders them, so the roster must be there first.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":sales")), "teams"));

        int partitions;
        List<List<Integer>> byInstance;
        try (var admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            partitions = admin.describeTopics(List.of(Topics.CONTACTS))
                    .allTopicNames()
                    .get()
                    .get(Topics.CONTACTS)
                    .partitions()
                    .size();
            // With a single partition only one instance of the group could ever consume the leads.
            assertThat(partitions)
                    .as("partitions of %s (declared by the platform with 3)", Topics.CONTACTS)
                    .isGreaterThan(1);
            oneThreadEach();
            startSecondInstance();
            // Each instance has one consumer of the contacts topic: two members holding all its partitions.
            byInstance = await("two members of group " + GROUP + " sharing every partition of " + Topics.CONTACTS)
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> contactsPartitionsPerMember(admin),
                            held -> held.size() == 2
                                    && held.stream().mapToInt(List::size).sum() == partitions);
        }

        List<ProducerRecord<String, String>> burst = new ArrayList<>();
        Set<String> deliveredTwice = new HashSet<>();
        for (int i = 0; i < LEADS; i++) {
            String leadId = "lead-" + i;
            var lead = LeadToDealTest.lead(tenant, "c-" + i, leadId);
            if (i % 3 == 0) {
                // The same record on a partition of each instance: both handle the lead at the same time.
                var one = byInstance.get((i / 3) % 2);
                var other = byInstance.get((i / 3 + 1) % 2);
                burst.add(onPartition(lead, one.get(i % one.size())));
                burst.add(onPartition(lead, other.get(i % other.size())));
                deliveredTwice.add(leadId);
                continue;
            }
            int partition = i % partitions;
            burst.add(onPartition(lead, partition));
            if (i % 5 == 1) {
                // The same record again on its own partition: a plain redelivery to the same instance.
                burst.add(onPartition(lead, partition));
                deliveredTwice.add(leadId);
            } else if (i % 7 == 2) {
                // The lead re-posted: a new event for a lead id already handled, on another partition.
                burst.add(onPartition(LeadToDealTest.lead(tenant, "c-" + i, leadId), (partition + 1) % partitions));
                deliveredTwice.add(leadId);
            }
        }
        assertThat(deliveredTwice).hasSizeGreaterThanOrEqualTo(15);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        burst.forEach(r -> sent.add(producer.send(r)));
        for (var s : sent) {
            s.get();
        }

        try (var events = dealEvents()) {
            events.await(ofTenant(tenant, "DealCreated"), LEADS, Duration.ofSeconds(60));
            // Give a doubled deal time to show up before counting.
            var created = events.drain(ofTenant(tenant, "DealCreated"), Duration.ofSeconds(3)).stream()
                    .map(ConsumerRecord::value)
                    .map(json -> EventJson.read(json, DealCreated.class))
                    .toList();
            assertThat(created).hasSize(LEADS);
            assertThat(created.stream().map(DealCreated::aggregateId).distinct())
                    .hasSize(LEADS);
            assertThat(created)
                    .extracting(DealCreated::leadId)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, LEADS).mapToObj(i -> "lead-" + i).toList());
            assertThat(countBy(created, DealCreated::ownerId))
                    .isEqualTo(Map.of("anna", 10L, "boris", 10L, "clara", 10L));
        }

        var page = get("/api/deals?size=200", admin(tenant));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> leadIds = read(page, "$.items[*].leadId");
        assertThat(leadIds).hasSize(LEADS).doesNotHaveDuplicates();
        List<String> owners = read(page, "$.items[*].ownerId");
        assertThat(countBy(owners, Function.identity())).isEqualTo(Map.of("anna", 10L, "boris", 10L, "clara", 10L));
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
     * The platform runs a listener thread per partition (crm.consumer.concurrency), so one instance alone would hold
     * every partition of the contacts topic. This test is about two instances each consuming part of it: the
     * shared context's contacts listener, and the second instance's, run one consumer each, as two single-threaded
     * instances would. Restored after the test.
     */
    private void oneThreadEach() {
        for (var container : listeners.getListenerContainers()) {
            if (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent
                    && java.util.Arrays.asList(
                                    concurrent.getContainerProperties().getTopics())
                            .contains(Topics.CONTACTS)) {
                contactsListenerConcurrency = concurrent.getConcurrency();
                concurrent.stop();
                concurrent.setConcurrency(1);
                concurrent.start();
                contactsListener = concurrent;
            }
        }
        assertThat(contactsListener)
                .as("the contacts listener of the shared context")
                .isNotNull();
    }

    /** The contacts topic's partitions held by each member of the group that holds any. */
    private static List<List<Integer>> contactsPartitionsPerMember(Admin admin) throws Exception {
        var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        return group.members().stream()
                .map(member -> member.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(Topics.CONTACTS))
                        .map(TopicPartition::partition)
                        .sorted()
                        .toList())
                .filter(held -> !held.isEmpty())
                .toList();
    }

    private static ProducerRecord<String, String> onPartition(CrmEvent event, int partition) {
        var record = EventRecords.toRecord(event, "/crm/test");
        return new ProducerRecord<>(record.topic(), partition, record.key(), record.value(), record.headers());
    }

    private static <T> Map<String, Long> countBy(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }
}
