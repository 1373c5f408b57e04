package org.opencrm.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.bson.Document;

/**
 * Loading large data "in the service's document shape": one record is created through the service's API, its
 * stored document is read back once the outbox relay has published its events, and copies of it with new ids
 * (and whatever else must differ, e.g. the phone number) are bulk-inserted straight into the database. The
 * copies are exactly what the service itself writes, without paying an API call and an event per record.
 */
final class Templates {

    private Templates() {}

    /** The stored document once its outbox is empty (the relay published and pulled its entries). */
    static Document settled(MongoCollection<Document> collection, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var doc = collection.find(new Document("_id", id)).first();
            if (doc != null && doc.getList("outbox", Object.class, List.of()).isEmpty()) {
                return doc;
            }
            ServiceProcess.sleep(100);
        }
        throw new IllegalStateException("the outbox of " + collection.getNamespace() + "/" + id + " was not published");
    }

    /** A deep copy of {@code template} with every string value's occurrences of each key replaced. */
    static Document copy(Document template, Map<String, String> replacements) {
        return (Document) replace(template, replacements);
    }

    private static Object replace(Object value, Map<String, String> replacements) {
        if (value instanceof Document d) {
            var copy = new Document();
            d.forEach((k, v) -> copy.put(k, replace(v, replacements)));
            return copy;
        }
        if (value instanceof List<?> list) {
            var copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(replace(v, replacements)));
            return copy;
        }
        if (value instanceof String s) {
            for (var r : replacements.entrySet()) {
                if (s.contains(r.getKey())) {
                    s = s.replace(r.getKey(), r.getValue());
                }
            }
            return s;
        }
        return value;
    }

    /** Inserts {@code count} documents made by {@code make(i)} in unordered batches; returns the seconds taken. */
    static double insert(MongoCollection<Document> collection, int from, int count, IntFunction<Document> make) {
        long t0 = System.nanoTime();
        int batch = 5_000;
        var docs = new ArrayList<Document>(batch);
        for (int i = from; i < from + count; i++) {
            docs.add(make.apply(i));
            if (docs.size() == batch) {
                collection.insertMany(docs, new InsertManyOptions().ordered(false));
                docs.clear();
            }
        }
        if (!docs.isEmpty()) {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static Map<String, String> map(String... keysAndValues) {
        var m = new LinkedHashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
