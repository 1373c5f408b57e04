package org.opencrm.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.bson.Document;
import org.opencrm.events.CrmEvent;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * What the consumers' redelivery properties need (issue #12 item 4, docs/reliability.md): a delivery of an event
 * history as Kafka may give it to a consumer, and a tenant's state in the database to compare.
 */
public final class Redelivery {

    private Redelivery() {}

    /**
     * Every event 1-3 times: each aggregate's events first arrive in their order (one partition per key), extra
     * copies come later at random (a redelivery after a rebalance or a failed commit re-reads what was already
     * applied), and the aggregates' sequences are interleaved at random (their partitions are independent).
     */
    public static <E> List<E> redeliveredAndInterleaved(List<E> history, Function<E, String> key, Random random) {
        Map<String, List<E>> perKey = new LinkedHashMap<>();
        for (E event : history) {
            List<E> sequence = perKey.computeIfAbsent(key.apply(event), k -> new ArrayList<>());
            sequence.add(event);
        }
        List<List<E>> sequences = new ArrayList<>();
        for (List<E> inOrder : perKey.values()) {
            List<E> delivered = new ArrayList<>(inOrder);
            for (E event : inOrder) {
                int copies = random.nextInt(3);
                for (int c = 0; c < copies; c++) {
                    int first = delivered.indexOf(event);
                    int at = first + 1 + random.nextInt(delivered.size() - first);
                    delivered.add(at, event);
                }
            }
            sequences.add(delivered);
        }
        List<E> result = new ArrayList<>();
        int[] next = new int[sequences.size()];
        int left = sequences.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int s = random.nextInt(sequences.size());
            if (next[s] < sequences.get(s).size()) {
                result.add(sequences.get(s).get(next[s]++));
                left--;
            }
        }
        return result;
    }

    /**
     * The deliveries without their copies: each event once, where it first came. What a consumer whose outcome
     * depends on the order across keys (a title taking another aggregate's name as it is at that moment) must end
     * like, whatever copies came later.
     */
    public static <E> List<E> firstDeliveries(List<E> delivered) {
        return List.copyOf(new LinkedHashSet<>(delivered));
    }

    /** Every event 1-3 times, all in a random order (for a consumer that claims to absorb any order). */
    public static <E> List<E> redeliveredAndShuffled(List<E> history, Random random) {
        List<E> result = new ArrayList<>();
        for (E event : history) {
            for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                result.add(event);
            }
        }
        Collections.shuffle(result, random);
        return result;
    }

    /**
     * The records a listener gets for the events, in their order at offsets 0, 1, ..., from what the service's
     * producer would send ({@code event -> EventRecords.toRecord(event, source)}).
     */
    public static List<ConsumerRecord<String, String>> records(
            List<CrmEvent> events, Function<CrmEvent, ProducerRecord<String, String>> produced) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (CrmEvent event : events) {
            records.add(record(produced.apply(event), event.occurredAt(), records.size()));
        }
        return records;
    }

    /**
     * The record a listener gets, as the broker hands it over, for what the service's producer would send
     * ({@code EventRecords.toRecord(event, source)}), stamped with the event's time.
     */
    public static ConsumerRecord<String, String> record(
            ProducerRecord<String, String> produced, Instant occurredAt, long offset) {
        return new ConsumerRecord<>(
                produced.topic(),
                0,
                offset,
                occurredAt.toEpochMilli(),
                TimestampType.CREATE_TIME,
                -1,
                -1,
                produced.key(),
                produced.value(),
                produced.headers(),
                Optional.empty());
    }

    /**
     * Every document of the tenant in every collection but {@code kept}, sorted, as text: times of the last two
     * days and millisecond numbers in ids (a consumer's own clock) masked, sets of applied event ids sorted, outboxes left out (the
     * relay empties them on its own schedule).
     */
    public static String snapshot(MongoTemplate mongo, String tenant, Set<String> kept) {
        return snapshot(mongo, tenant, kept, Set.of());
    }

    /** {@link #snapshot}, without the {@code ignored} fields (a delivery's attempts, which a worker changes on its own). */
    public static String snapshot(MongoTemplate mongo, String tenant, Set<String> kept, Set<String> ignored) {
        var collections = new TreeMap<String, List<String>>();
        for (String collection : mongo.getCollectionNames()) {
            if (kept.contains(collection)) {
                continue;
            }
            List<String> documents = new ArrayList<>();
            for (Document document : mongo.find(tenantOf(tenant), Document.class, collection)) {
                ignored.forEach(document::remove);
                documents.add(normalize(document).toJson());
            }
            if (!documents.isEmpty()) {
                documents.sort(null);
                collections.put(collection, documents);
            }
        }
        return collections.toString();
    }

    /** Removes the tenant's documents from every collection but {@code kept}. */
    public static void wipe(MongoTemplate mongo, String tenant, Set<String> kept) {
        for (String collection : mongo.getCollectionNames()) {
            if (!kept.contains(collection)) {
                mongo.remove(tenantOf(tenant), collection);
            }
        }
    }

    private static Query tenantOf(String tenant) {
        return new Query(Criteria.where("tenantId").is(tenant));
    }

    private static Document normalize(Document document) {
        var result = new Document();
        for (var entry : new TreeMap<>(document).entrySet()) {
            if (entry.getKey().equals("outbox") || entry.getKey().equals("eventSequence")) {
                continue;
            }
            result.put(entry.getKey(), normalize(entry.getKey(), entry.getValue()));
        }
        return result;
    }

    private static Object normalize(String name, Object value) {
        if (value instanceof Document nested) {
            return normalize(nested);
        }
        if (value instanceof List<?> list) {
            List<Object> values = new ArrayList<>();
            list.forEach(v -> values.add(normalize(name, v)));
            if (name.equals("appliedEventIds")) {
                values.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
            }
            return values;
        }
        if (value instanceof Date date
                && Duration.between(date.toInstant(), Instant.now()).abs().compareTo(Duration.ofDays(2)) < 0) {
            return "<consumer's clock>";
        }
        if (value instanceof String text) {
            // an id that holds a time the consumer took from its clock (a timer's due millis)
            return text.replaceAll("\\d{12,}", "<millis>");
        }
        return value;
    }
}
