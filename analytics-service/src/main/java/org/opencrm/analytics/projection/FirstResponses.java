package org.opencrm.analytics.projection;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Update;

/**
 * First responses to leads, computed at write time: for each lead, the first call with its client at or after the
 * lead (not a missed inbound call, made by a known rep), whoever made it; clients followed through merges.
 *
 * <p>One document per tenant and client pseudonym ({@code client_activity}), keyed by {@code _id}, lists the client's
 * leads (time) and calls (time, rep, department, whether it counts), each call as of its call document's field-group
 * versions (a newer state replaces an older one, whichever writer brings it). A merged card's document names its
 * survivor ({@code into}); everything it lists, and everything added to it later, is copied into the survivor's
 * document (and on along a chain of merges). Only a document with no survivor contributes: its leads' first responses,
 * per responder and responder's department and per lead hour (figures named by the hour, {@link
 * ActivityRollups#hourly}), in {@code <tenant>|act-rep-fr|<UTC day>}, as a histogram of the seconds that also gives
 * their count and sum; the difference rule of {@link DealRollups} keeps the sums exact.
 *
 * <p>Why the copies converge under racing writers: an addition to a document and the merge that names its survivor
 * are both compare-and-sets on that document, so one of them sees the other; the writer that adds reads the
 * document back after its write and copies to the survivor if one is named, and the writer that merges copies
 * everything the document held when it named the survivor. Both are repeated as a whole on redelivery.
 *
 * <p>The histogram keeps durations to 3 significant decimal digits in HdrHistogram's sense: exactly below
 * {@value #EXACT_BELOW} s; above, in buckets 1/2048 of the duration wide, each keeping the count and the sum of its
 * durations, so that a median read from it is the mean of its bucket: at most 0.05% off, exact when the bucket holds
 * one distinct duration. The responses' count and exact sum of seconds are the histogram's counts and sums (a bucket
 * below {@value #EXACT_BELOW} s holds that many seconds each).
 */
public final class FirstResponses {

    /**
     * A bucket's count is {@code b<bucket>}, its sum of seconds (buckets not exact) {@code bs<bucket>}, after the
     * hour ({@code 07b812}).
     */
    public static final String BUCKET = "b";

    public static final String BUCKET_SUM = "bs";
    public static final long EXACT_BELOW = 4096;

    static final String LEADS = "leads";
    static final String CALLS = "calls";
    static final String INTO = "into";

    private static final int MAX_CHAIN = 20;

    /** Of calls at the same time, the rep first in order, then the department: the report from the facts agrees. */
    private static final Comparator<Document> FIRST = Comparator.<Document, Date>comparing(call -> call.getDate("at"))
            .thenComparing(call -> call.getString("u"))
            .thenComparing(call -> call.getString("d"), Comparator.nullsFirst(Comparator.naturalOrder()));

    private FirstResponses() {}

    public static String id(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-rep-fr|" + utcDay;
    }

    /** {@link #id}'s figures without their hours ({@link ActivityRollups#callsDayId}). */
    public static String dayId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-day-fr|" + utcDay;
    }

    /** The bucket a duration is kept in: itself below {@link #EXACT_BELOW}, else its top 12 bits. */
    public static long bucket(long seconds) {
        if (seconds < EXACT_BELOW) {
            return seconds;
        }
        int shift = (63 - Long.numberOfLeadingZeros(seconds)) - 11;
        return (seconds >> shift) << shift;
    }

    /** What a batch of events asks of the client documents (see {@link FactWriter}). */
    record Work(List<Lead> leads, Set<String> callIds, List<Merge> merges) {
        Work() {
            this(new ArrayList<>(), new LinkedHashSet<>(), new ArrayList<>());
        }

        boolean isEmpty() {
            return leads.isEmpty() && callIds.isEmpty() && merges.isEmpty();
        }
    }

    record Lead(String tenantId, String leadId, String clientKey, Date at) {}

    record Merge(String tenantId, String mergedKey, String survivorKey, long version) {}

    /** Brings the client documents up to the batch's facts (already written) and their rollups with them. */
    static void follow(MongoTemplate mongo, ProjectionCollections to, Work work) {
        if (work.isEmpty()) {
            return;
        }
        var batch = new FactBatch(to);
        Set<Object> touched = new LinkedHashSet<>();
        if (!work.callIds().isEmpty()) {
            mongo.getCollection(to.calls())
                    .find(new Document("_id", new Document("$in", new ArrayList<>(work.callIds()))))
                    .forEach(call -> {
                        String tenant = call.getString("tenantId");
                        long version = number(call.get("callV")) + number(call.get("interactionV"));
                        Document summary = summary(call);
                        for (String client : clientKeys(call)) {
                            String id = FactWriter.key(tenant, client);
                            batch.putIfNewer(
                                    to.clientActivity(),
                                    id,
                                    CALLS,
                                    DealRollups.escape(String.valueOf(call.get("_id"))),
                                    version,
                                    summary,
                                    base(tenant, client));
                            touched.add(id);
                        }
                    });
        }
        for (Lead lead : work.leads()) {
            String id = FactWriter.key(lead.tenantId(), lead.clientKey());
            batch.putOnce(
                    to.clientActivity(),
                    id,
                    LEADS,
                    DealRollups.escape(lead.leadId()),
                    new Document("at", lead.at()),
                    base(lead.tenantId(), lead.clientKey()));
            touched.add(id);
        }
        for (Merge merge : work.merges()) {
            String id = FactWriter.key(merge.tenantId(), merge.mergedKey());
            batch.setIfNewer(
                    to.clientActivity(),
                    id,
                    "intoV",
                    merge.version(),
                    base(merge.tenantId(), merge.mergedKey())
                            .set(INTO, FactWriter.key(merge.tenantId(), merge.survivorKey())));
            touched.add(id);
        }
        batch.flush(mongo);
        // copy what merged cards hold into their survivors, read back after the writes above (see the class comment)
        Set<Object> round = touched;
        for (int depth = 0; !round.isEmpty(); depth++) {
            if (depth == MAX_CHAIN) {
                throw new IllegalStateException("client merges chained more than " + MAX_CHAIN + " deep");
            }
            var copies = new FactBatch(to);
            Set<Object> next = new LinkedHashSet<>();
            mongo.getCollection(to.clientActivity())
                    .find(new Document("_id", new Document("$in", new ArrayList<>(round)))
                            .append(INTO, new Document("$exists", true)))
                    .forEach(merged -> {
                        String survivor = merged.getString(INTO);
                        String tenant = merged.getString("tenantId");
                        String survivorKey = survivor.substring(tenant.length() + 1);
                        merged.get(LEADS, new Document())
                                .forEach((key, lead) -> copies.putOnce(
                                        to.clientActivity(),
                                        survivor,
                                        LEADS,
                                        key,
                                        (Document) lead,
                                        base(tenant, survivorKey)));
                        merged.get(CALLS, new Document()).forEach((key, value) -> {
                            Document call = new Document((Document) value);
                            long version = number(call.remove("v"));
                            copies.putIfNewer(
                                    to.clientActivity(),
                                    survivor,
                                    CALLS,
                                    key,
                                    version,
                                    call,
                                    base(tenant, survivorKey));
                        });
                        next.add(survivor);
                    });
            if (next.isEmpty()) {
                return;
            }
            copies.flush(mongo);
            round = next;
        }
    }

    /** The call as a first response sees it: time, rep, department, and whether it can be one. */
    private static Document summary(Document call) {
        Document telephony = call.get("call", Document.class);
        Document logged = call.get("interaction", Document.class);
        String user = telephony != null && telephony.getString("operatorId") != null
                ? telephony.getString("operatorId")
                : logged == null ? null : logged.getString("userId");
        Date at = telephony != null && telephony.getDate("startedAt") != null
                ? telephony.getDate("startedAt")
                : logged == null ? null : logged.getDate("at");
        boolean missed = telephony != null
                && "INBOUND".equals(telephony.getString("direction"))
                && Boolean.FALSE.equals(telephony.get("answered"));
        return new Document("at", at)
                .append("u", user)
                .append("d", logged == null ? null : logged.getString("departmentId"))
                .append("ok", !missed && at != null && user != null);
    }

    /** Every client the call names, by telephony or in its logged interaction. */
    private static Set<String> clientKeys(Document call) {
        Set<String> keys = new LinkedHashSet<>();
        Document telephony = call.get("call", Document.class);
        if (telephony != null) {
            keys.addAll(telephony.getList("clientKeys", String.class, List.of()));
        }
        Document logged = call.get("interaction", Document.class);
        if (logged != null && logged.getString("clientKey") != null) {
            keys.add(logged.getString("clientKey"));
        }
        return keys;
    }

    private static Update base(String tenantId, String clientKey) {
        return new Update().set("tenantId", tenantId).set("clientKey", clientKey);
    }

    /**
     * What a client document adds: nothing once merged into another; otherwise, for each of its leads with a
     * first response, one response in the lead's hour under the responder and their department.
     */
    static Map<String, Map<String, Document>> contribution(Document client) {
        Map<String, Map<String, Document>> result = new LinkedHashMap<>();
        String tenant = client == null ? null : client.getString("tenantId");
        if (tenant == null || client.get(INTO) != null) {
            return result;
        }
        List<Document> calls = new ArrayList<>();
        client.get(CALLS, new Document()).values().forEach(value -> {
            Document call = (Document) value;
            if (Boolean.TRUE.equals(call.get("ok"))) {
                calls.add(call);
            }
        });
        calls.sort(FIRST);
        client.get(LEADS, new Document()).values().forEach(value -> {
            Date at = ((Document) value).getDate("at");
            if (at == null) {
                return;
            }
            calls.stream()
                    .filter(call -> !call.getDate("at").before(at))
                    .findFirst()
                    .ifPresent(first -> {
                        Instant received = at.toInstant();
                        long seconds = Duration.between(
                                        received, first.getDate("at").toInstant())
                                .toSeconds();
                        Instant hour = received.truncatedTo(ChronoUnit.HOURS);
                        String user = first.getString("u");
                        String department = first.getString("d");
                        long bucket = bucket(seconds);
                        // the count and the sum of seconds are the histogram's: not stored twice
                        Document figures = new Document(BUCKET + bucket, 1L);
                        if (bucket >= EXACT_BELOW) {
                            figures.append(BUCKET_SUM + bucket, seconds);
                        }
                        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
                        ActivityRollups.accumulate(
                                result, id(tenant, day), dayId(tenant, day), hour, user, department, figures);
                    });
        });
        return result;
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
