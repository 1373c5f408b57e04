package org.opencrm.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * B3's data beyond the ingested stories: copies of each ingested story with an owner, a lead source and a time of
 * their own, written as analytics-service would have written them had it ingested them, so that every rollup
 * document holds the entries real data of that size puts in it.
 *
 * <p>A copy of story {@code i} is its stored fact documents (deal, history, lead, interactions, calls, tasks, client
 * document) with the ids and client pseudonyms renamed, another rep (and that rep's department) wherever the story's
 * rep or department stands, another lead source, and every time shifted by one random offset that keeps the story
 * inside the year; its stages, outcome, amounts and durations are the story's (10,000 generated stories give as many
 * stage paths). Its rollup entries are what the service's own contribution functions ({@code DealRollups},
 * {@code FunnelRollups}, {@code ActivityRollups}, {@code FirstResponses}, loaded from analytics-service's jar, so that
 * the shapes cannot drift) give for those documents, summed with the service's own {@code DealRollups.accumulate}
 * into the stored rollup documents. Without marks: the service drops a mark once its difference is settled
 * (466215c), so a settled history leaves next to none ({@code -Dbench.b3.marks=true} writes one per fact, as the
 * applier did before).
 *
 * <p>Before any copy, the same functions are run over the ingested stories' stored facts and their sums compared
 * with the rollups the service wrote while ingesting them: equal entry by entry, or the run stops.
 *
 * <p>The sums of a large size do not fit the heap at once: the rollup documents are built in passes, each keeping
 * the documents of some of the year's months ({@link #STORIES_PER_PASS} copied stories' worth) and computing only
 * the copies whose times reach those months.
 */
final class AnalyticsCopies {

    /** The fact collections copied; teams stay as they are. */
    static final List<String> COPIED = List.of(
            "deal_facts_v1",
            "deal_history_v1",
            "lead_facts_v1",
            "interaction_facts_v1",
            "call_facts_v1",
            "task_facts_v1",
            "client_activity_v1");

    static final String ROLLUPS = "rollups_v1";
    /** Fields holding client pseudonyms: each copy gets its own clients. */
    static final List<String> CLIENT_FIELDS = List.of("clientKey", "clientKeys", "mergedKey", "survivorKey");

    /**
     * Copied stories whose rollup sums one pass keeps in the heap (~3 GB at 200,000): the passes split the year's
     * months between them, at most 13.
     */
    static final int STORIES_PER_PASS = Integer.getInteger("bench.b3.storiesPerPass", 200_000);

    private static final Pattern STORY = Pattern.compile(Pattern.quote(AnalyticsHistory.MARK) + "(\\d+)");
    private static final String PREFIX = AnalyticsHistory.TENANT + "|";
    private static final int INSERT_BATCH = 5_000;
    private static final int WRITE_BATCH = 20;
    /** DealRollups.PENDING: a difference not yet applied, never copied. */
    private static final String PENDING = "rollupPending";

    /** analytics-service's rollup functions, from its jar (package-private there). */
    private static final class Service implements AutoCloseable {
        final URLClassLoader loader;
        final Method deal;
        final Method task;
        final Method call;
        final Method client;
        final Method leadPending;
        final Method appealPending;
        final Method interactionOps;
        final Method accumulate;
        final Method storedEntries;
        final Method withEntries;
        final Method escape;
        final Method openId;
        final Set<String> dimensions;

        @SuppressWarnings("unchecked")
        Service(Path thinJar) throws Exception {
            // parent first: org.bson.Document is the harness's, so documents pass both ways; the thin jar's manifest
            // brings its libraries for whatever else the classes name
            loader = new URLClassLoader(new URL[] {thinJar.toUri().toURL()}, AnalyticsCopies.class.getClassLoader());
            Class<?> deals = loader.loadClass("org.opencrm.analytics.projection.DealRollups");
            Class<?> activity = loader.loadClass("org.opencrm.analytics.projection.ActivityRollups");
            Class<?> responses = loader.loadClass("org.opencrm.analytics.projection.FirstResponses");
            deal = method(deals, "contribution", Document.class);
            task = method(activity, "taskContribution", Document.class);
            call = method(activity, "callContribution", Document.class);
            client = method(responses, "contribution", Document.class);
            leadPending = method(deals, "leadPending", String.class, String.class, String.class, Date.class);
            appealPending =
                    method(deals, "appealPending", String.class, String.class, String.class, String.class, Date.class);
            interactionOps = method(activity, "interactionOps", String.class, String.class, String.class, Date.class);
            accumulate =
                    method(deals, "accumulate", Map.class, String.class, String.class, Document.class, Document.class);
            // a rollup document's entries as contributions key them, whichever of its maps holds them
            storedEntries = method(deals, "storedEntries", Document.class);
            withEntries = method(deals, "withEntries", Document.class, Map.class);
            escape = method(deals, "escape", String.class);
            openId = method(deals, "openId", String.class, String.class);
            Field field = deals.getDeclaredField("DIMENSIONS");
            field.setAccessible(true);
            dimensions = (Set<String>) field.get(null);
        }

        private static Method method(Class<?> type, String name, Class<?>... parameters) throws Exception {
            Method m = type.getDeclaredMethod(name, parameters);
            m.setAccessible(true);
            return m;
        }

        Object invoke(Method m, Object... args) {
            try {
                return m.invoke(null, args);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(m.getName() + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unchecked")
        Function<Document, Map<String, Map<String, Document>>> contribution(Method m) {
            return doc -> (Map<String, Map<String, Document>>) invoke(m, doc);
        }

        @Override
        public void close() throws Exception {
            loader.close();
        }
    }

    /** One stored fact of a story and its collection. */
    private record Fact(String collection, Document doc) {}

    /** A story's facts, its rep, department and lead source, and the earliest and latest time they hold. */
    private static final class Story {
        final List<Fact> facts = new ArrayList<>();
        String owner;
        String department;
        String source;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
    }

    /** What a copy changes: the names to replace and the time offset. */
    private record Variation(int k, Map<String, String> owners, Map<String, String> sources, long shiftMillis) {}

    /** Whether the copies leave a mark per fact in the rollup documents (the service's applier before 466215c). */
    static final boolean MARKS = Boolean.getBoolean("bench.b3.marks");

    /** Sums per rollup document: id -> entry key -> entry, and id -> mark -> revision. */
    private static final class Sums {
        final Map<String, Map<String, Document>> entries = new HashMap<>();
        final Map<String, Map<String, Long>> marks = new HashMap<>();
    }

    private final MongoDatabase db;
    private final Service service;
    private final int copies;
    private final boolean copyFacts;
    private final Map<String, Object> info = new LinkedHashMap<>();
    /** The bench tenant's facts that belong to no story (other benchmarks' records in the same run). */
    private final List<Fact> others = new ArrayList<>();

    private AnalyticsCopies(MongoDatabase db, Service service, int copies, boolean copyFacts) {
        this.db = db;
        this.service = service;
        this.copies = copies;
        this.copyFacts = copyFacts;
    }

    /**
     * Fills the service's collections up to {@code copies} copies of the ingested stories; returns the document
     * counts, the check of the rollup functions against the service's own rollups and the rollups' shape.
     */
    static Map<String, Object> fill(MongoDatabase db, Path analyticsThinJar, int copies, boolean copyFacts)
            throws Exception {
        try (var service = new Service(analyticsThinJar)) {
            return new AnalyticsCopies(db, service, copies, copyFacts).fill();
        }
    }

    private Map<String, Object> fill() {
        var stories = stories();
        info.put("storiesRead", stories.size());
        info.put("factsOfNoStory", others.size());
        check(stories);
        int perCopy = stories.size();
        long copied = (long) perCopy * copies;
        int passes = (int) Math.min(MONTHS, Math.max(1, (copied + STORIES_PER_PASS - 1) / STORIES_PER_PASS));
        info.put("passes", passes);
        var counts = new LinkedHashMap<String, Long>();
        COPIED.forEach(c -> counts.put(c, 0L));
        stories.values().forEach(s -> s.facts.forEach(f -> counts.merge(f.collection(), 1L, Long::sum)));
        others.forEach(f -> counts.merge(f.collection(), 1L, Long::sum));
        var shape = new TreeMap<String, long[]>();
        for (int pass = 0; pass < passes; pass++) {
            var sums = new Sums();
            var buffers = new LinkedHashMap<String, List<Document>>();
            long t0 = System.nanoTime();
            long processed = 0;
            for (int k = 1; k <= copies; k++) {
                for (var entry : stories.entrySet()) {
                    var story = entry.getValue();
                    var variation = variation(entry.getKey(), k, story);
                    // a copy lands in the passes of the months it spans; its undated documents' share, its facts and
                    // its count in the first of them
                    boolean dated = story.min <= story.max;
                    int firstPass = dated ? passOfMonth(monthOf(story.min + variation.shiftMillis()), passes) : 0;
                    int lastPass = dated ? passOfMonth(monthOf(story.max + variation.shiftMillis()), passes) : 0;
                    if (pass < firstPass || pass > lastPass) {
                        continue;
                    }
                    boolean home = pass == firstPass;
                    var share = share(pass, passes, home);
                    processed++;
                    for (Fact fact : story.facts) {
                        Document copy = (Document) copy(fact.doc(), variation, "_id");
                        contribute(fact.collection(), copy, sums, share);
                        if (home) {
                            counts.merge(fact.collection(), 1L, Long::sum);
                            if (copyFacts) {
                                var buffer = buffers.computeIfAbsent(fact.collection(), c -> new ArrayList<>());
                                buffer.add(copy);
                                if (buffer.size() == INSERT_BATCH) {
                                    insert(fact.collection(), buffer);
                                }
                            }
                        }
                    }
                }
                if (k % 10 == 0 || k == copies) {
                    Bench.log(String.format(
                            "B3 copies pass %d of %d: %d of %d copies (%,d stories in this pass, %,d rollup documents,"
                                    + " %.0f s, load %s)",
                            pass + 1,
                            passes,
                            k,
                            copies,
                            processed,
                            sums.entries.size(),
                            (System.nanoTime() - t0) / 1e9,
                            Machine.loadAverage()));
                }
            }
            buffers.forEach((collection, buffer) -> insert(collection, buffer));
            write(sums, shape);
            Bench.log(String.format(
                    "B3 copies pass %d of %d written (%,d rollup documents, %.0f s)",
                    pass + 1, passes, sums.entries.size(), (System.nanoTime() - t0) / 1e9));
        }
        if (copies == 0) {
            // no copies: the shape of what the service wrote
            write(new Sums(), shape);
        }
        var result = new LinkedHashMap<String, Object>(counts);
        result.put(ROLLUPS, shape.values().stream().mapToLong(s -> s[0]).sum());
        var kinds = new LinkedHashMap<String, Object>();
        shape.forEach((kind, s) -> kinds.put(
                kind,
                Bench.values(
                        "documents", s[0],
                        "entries", s[1],
                        "entriesPerDocumentMean", s[0] == 0 ? 0 : Result.round((double) s[1] / s[0]),
                        "entriesPerDocumentMax", s[2],
                        "marks", s[3])));
        info.put("rollupsByKind", kinds);
        result.put("copies", info);
        return result;
    }

    /** The ingested stories' stored facts, by story number (from the marker in their ids). */
    private Map<Integer, Story> stories() {
        var stories = new TreeMap<Integer, Story>();
        for (String name : COPIED) {
            // in batches: the embedded server answers a whole collection in one reply otherwise, beyond the 48 MB
            // a reply may have
            for (Document doc : db.getCollection(name)
                    .find(new Document("tenantId", AnalyticsHistory.TENANT))
                    .batchSize(2_000)) {
                Integer story = storyOf(doc);
                if (story == null) {
                    // the bench tenant's records of other benchmarks of the run (deals-service's own deals): in
                    // the service's rollups, so in the check, but not copied
                    others.add(new Fact(name, doc));
                    continue;
                }
                var s = stories.computeIfAbsent(story, i -> new Story());
                s.facts.add(new Fact(name, doc));
                times(doc, s);
                if (name.equals("deal_facts_v1")) {
                    s.owner = doc.getString("ownerId");
                    s.department = doc.getString("departmentId");
                    s.source = doc.getString("source");
                }
            }
        }
        return stories;
    }

    /** The story a fact belongs to: the number after the marker in any of its ids, keys included. */
    private static Integer storyOf(Object value) {
        if (value instanceof Document d) {
            for (var entry : d.entrySet()) {
                Integer found = storyOf(entry.getKey());
                if (found == null) {
                    found = storyOf(entry.getValue());
                }
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object v : list) {
                Integer found = storyOf(v);
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof String s && s.contains(AnalyticsHistory.MARK)) {
            var m = STORY.matcher(s);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return null;
    }

    private static void times(Object value, Story story) {
        if (value instanceof Document d) {
            d.values().forEach(v -> times(v, story));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> times(v, story));
        } else if (value instanceof Date date) {
            story.min = Math.min(story.min, date.getTime());
            story.max = Math.max(story.max, date.getTime());
        }
    }

    /**
     * Copy {@code k} of a story: a rep drawn from all 50 (and that rep's department), a lead source drawn from the
     * six when the story has one, and a time offset that keeps every time of the story inside the year.
     */
    private static Variation variation(int story, int k, Story s) {
        var random = new SplittableRandom(0x5ca1eL * 1_000_003L + (long) story * 7_919L + k);
        int rep = random.nextInt(AnalyticsHistory.REPS);
        var owners = new HashMap<String, String>();
        if (s.owner != null) {
            owners.put(s.owner, AnalyticsHistory.rep(rep));
        }
        if (s.department != null) {
            owners.put(s.department, AnalyticsHistory.departmentOf(rep));
        }
        var sources = new HashMap<String, String>();
        if (s.source != null) {
            sources.put(s.source, AnalyticsHistory.SOURCES.get(random.nextInt(AnalyticsHistory.SOURCES.size())));
        }
        long first = AnalyticsHistory.FIRST_DAY
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        long end = AnalyticsHistory.LAST_DAY
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        long shift = 0;
        if (s.min <= s.max) {
            long lowest = first - s.min;
            long highest = end - 1 - s.max;
            shift = highest > lowest ? lowest + random.nextLong(highest - lowest) : 0;
        }
        return new Variation(k, owners, sources, shift);
    }

    /** A stored fact as copy {@code k}: ids, clients, rep, department, source and times its own. */
    private static Object copy(Object value, Variation v, String field) {
        if (value instanceof Document d) {
            var copy = new Document();
            d.forEach((name, x) -> {
                if (!name.equals(PENDING)) {
                    copy.put(renamed(name, v.k()), copy(x, v, name));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            var copy = new ArrayList<>(list.size());
            list.forEach(x -> copy.add(copy(x, v, field)));
            return copy;
        }
        if (value instanceof Date date) {
            return new Date(date.getTime() + v.shiftMillis());
        }
        if (value instanceof String s) {
            if (CLIENT_FIELDS.contains(field)) {
                return s + "~" + v.k();
            }
            if (s.contains(AnalyticsHistory.MARK)) {
                return renamed(s, v.k());
            }
            if (field.equals("_id")) {
                // ids derived from event ids (deal history) and client documents' ids hold no marker
                return s + "~" + v.k();
            }
            if (field.equals("into")) {
                return s + "~" + v.k(); // a merged client document names its survivor's id
            }
            String owner = v.owners().get(s);
            if (owner != null) {
                return owner;
            }
            if (field.equals("source") || field.equals("utmSource")) {
                return v.sources().getOrDefault(s, s);
            }
            return s;
        }
        return value;
    }

    private static String renamed(String s, int k) {
        return s.contains(AnalyticsHistory.MARK) ? s.replace(AnalyticsHistory.MARK, "~" + k + "~") : s;
    }

    // ---- rollups -------------------------------------------------------------------------------------------

    /** Which rollup documents a pass keeps: by their UTC month; those of no date (open pipeline) in a copy's first. */
    @FunctionalInterface
    private interface Share {
        boolean mine(String id);

        Share ALL = id -> true;
    }

    /** The 13 UTC months the year touches, split evenly over the passes. */
    static int passOfMonth(int month, int passes) {
        return Math.min(passes - 1, Math.max(0, month) * passes / MONTHS);
    }

    private static final int MONTHS = 13;

    /** The months from the history's first month to a time's, within the 13. */
    static int monthOf(long epochMillis) {
        var day = java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
        return months(day.getYear(), day.getMonthValue());
    }

    private static int months(int year, int month) {
        var first = AnalyticsHistory.FIRST_DAY;
        return Math.min(MONTHS - 1, Math.max(0, (year - first.getYear()) * 12 + month - first.getMonthValue()));
    }

    /** The month of a rollup document's id ({@code <tenant>|<kind>|<yyyy-MM...>...}), or -1 when it names none. */
    static int monthOf(String id) {
        int first = id.indexOf('|');
        int second = first < 0 ? -1 : id.indexOf('|', first + 1);
        if (second < 0 || id.length() < second + 8 || !Character.isDigit(id.charAt(second + 1))) {
            return -1;
        }
        try {
            return months(
                    Integer.parseInt(id.substring(second + 1, second + 5)),
                    Integer.parseInt(id.substring(second + 6, second + 8)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Share share(int pass, int passes, boolean home) {
        if (passes == 1) {
            return Share.ALL;
        }
        return id -> {
            int month = monthOf(id);
            return month < 0 ? home : passOfMonth(month, passes) == pass;
        };
    }

    /** What one fact document adds to the rollups, as the service computes it, into the pass's share. */
    private void contribute(String collection, Document fact, Sums sums, Share share) {
        String mark = (String) service.invoke(service.escape, String.valueOf(fact.get("_id")));
        long revision = fact.get("rev") instanceof Number n ? n.longValue() : 1L;
        switch (collection) {
            case "deal_facts_v1" -> {
                add(service.contribution(service.deal).apply(fact), mark, revision, sums, share);
                // every deal was open under its owner once: its mark stays in that owner's open-pipeline document
                if (fact.getString("ownerId") != null) {
                    String open = (String)
                            service.invoke(service.openId, fact.getString("tenantId"), fact.getString("ownerId"));
                    if (MARKS && share.mine(open)) {
                        sums.marks.computeIfAbsent(open, id -> new HashMap<>()).merge(mark, revision, Math::max);
                    }
                }
            }
            case "task_facts_v1" -> add(service.contribution(service.task).apply(fact), mark, revision, sums, share);
            case "call_facts_v1" -> add(service.contribution(service.call).apply(fact), mark, revision, sums, share);
            case "client_activity_v1" ->
                add(service.contribution(service.client).apply(fact), mark, revision, sums, share);
            case "lead_facts_v1" -> {
                if (fact.getDate("at") != null) {
                    Document pending = (Document) service.invoke(
                            service.leadPending,
                            fact.getString("tenantId"),
                            fact.getString("source"),
                            fact.getString("departmentId"),
                            fact.getDate("at"));
                    addOps(pending.getList("ops", Document.class), mark, sums, share);
                }
            }
            case "interaction_facts_v1" -> {
                Date at = fact.getDate("at");
                if (at != null) {
                    var ops = new ArrayList<Document>();
                    String tenant = fact.getString("tenantId");
                    if ("APPEAL".equals(fact.getString("type"))) {
                        Document pending = (Document) service.invoke(
                                service.appealPending,
                                tenant,
                                fact.getString("userId"),
                                fact.getString("departmentId"),
                                fact.getString("appealTopic"),
                                at);
                        ops.addAll(pending.getList("ops", Document.class));
                    }
                    @SuppressWarnings("unchecked") // the service's ActivityRollups.interactionOps
                    List<Document> interaction = (List<Document>) service.invoke(
                            service.interactionOps,
                            tenant,
                            fact.getString("userId"),
                            fact.getString("departmentId"),
                            at);
                    ops.addAll(interaction);
                    addOps(ops, mark, sums, share);
                }
            }
            default -> {} // deal history: no rollups
        }
    }

    private void add(
            Map<String, Map<String, Document>> contribution, String mark, long revision, Sums sums, Share share) {
        contribution.forEach((id, entries) -> {
            if (!share.mine(id)) {
                return;
            }
            entries.forEach((key, entry) -> accumulate(sums, id, key, entry));
            if (MARKS) {
                sums.marks.computeIfAbsent(id, i -> new HashMap<>()).merge(mark, revision, Math::max);
            }
        });
    }

    /** Inserted facts' operations ({id, k, dims, inc}), revision 1 as the service applies them. */
    private void addOps(List<Document> ops, String mark, Sums sums, Share share) {
        for (Document op : ops) {
            String id = op.getString("id");
            if (!share.mine(id)) {
                continue;
            }
            Document entry = new Document(op.get("dims", Document.class));
            entry.putAll(op.get("inc", Document.class));
            accumulate(sums, id, op.getString("k"), entry);
            if (MARKS) {
                sums.marks.computeIfAbsent(id, i -> new HashMap<>()).merge(mark, 1L, Math::max);
            }
        }
    }

    /** A stored rollup document's entries as the service's contributions key them. */
    @SuppressWarnings("unchecked") // the service's DealRollups.storedEntries
    private Map<String, Document> storedEntries(Document rollup) {
        return (Map<String, Document>) service.invoke(service.storedEntries, rollup);
    }

    /** An entry (dimensions and figures) added with the service's own sum (zeros dropped, as its applier does). */
    private void accumulate(Sums sums, String id, String key, Document entry) {
        var dims = new Document();
        var figures = new Document();
        entry.forEach((name, value) -> (service.dimensions.contains(name) ? dims : figures).put(name, value));
        service.invoke(service.accumulate, sums.entries, id, key, dims, figures);
    }

    /**
     * The service's functions over the ingested stories' stored facts must give the rollups the service wrote: the
     * copies' entries are then what the service would have written for them.
     */
    private void check(Map<Integer, Story> stories) {
        var sums = new Sums();
        for (Story s : stories.values()) {
            for (Fact fact : s.facts) {
                contribute(fact.collection(), fact.doc(), sums, Share.ALL);
            }
        }
        for (Fact fact : others) {
            contribute(fact.collection(), fact.doc(), sums, Share.ALL);
        }
        long documents = 0;
        long entries = 0;
        long storedMarks = 0;
        long generatedMarks = 0;
        var seen = new java.util.HashSet<String>();
        for (Document stored : db.getCollection(ROLLUPS)
                .find(new Document("tenantId", AnalyticsHistory.TENANT))
                .batchSize(200)) {
            String id = stored.getString("_id");
            seen.add(id);
            Map<String, Document> e = storedEntries(stored);
            var expected = sums.entries.getOrDefault(id, Map.of());
            int count = e.size();
            if (count != expected.size()) {
                throw new IllegalStateException("B3 copies: the service's rollup functions give " + expected.size()
                        + " entries for " + id + ", the service wrote " + count);
            }
            e.forEach((key, value) -> {
                Document want = expected.get(key);
                if (want == null || !same(value, want)) {
                    throw new IllegalStateException("B3 copies: the service's rollup functions give " + want + " for "
                            + id + " " + key + ", the service wrote " + value);
                }
            });
            documents++;
            entries += count;
            storedMarks += stored.get("marks", new Document()).size();
            generatedMarks += sums.marks.getOrDefault(id, Map.of()).size();
        }
        for (var entry : sums.entries.entrySet()) {
            if (!entry.getValue().isEmpty() && !seen.contains(entry.getKey())) {
                throw new IllegalStateException("B3 copies: the service's rollup functions give entries for "
                        + entry.getKey() + ", which the service did not write");
            }
        }
        info.put(
                "checkOfTheIngestedStories",
                Bench.values(
                        "rollupDocuments", documents,
                        "entries", entries,
                        "entriesEqualToTheServicesRollups", true,
                        "marksOfTheServicesRollups", storedMarks,
                        "marksGenerated", generatedMarks));
        Bench.log(String.format(
                "B3 copies: the rollup functions over the %,d ingested stories give the service's %,d rollup documents"
                        + " (%,d entries) exactly; marks %,d generated vs %,d written",
                stories.size(), documents, entries, generatedMarks, storedMarks));
    }

    /** Same dimensions and figures, numbers compared by value (the service stores decimals as Decimal128). */
    private static boolean same(Document stored, Document expected) {
        if (!stored.keySet().equals(expected.keySet())) {
            return false;
        }
        for (String name : stored.keySet()) {
            Object a = stored.get(name);
            Object b = expected.get(name);
            if (a instanceof Number || a instanceof Decimal128 || b instanceof Number || b instanceof Decimal128) {
                if (decimal(a).compareTo(decimal(b)) != 0) {
                    return false;
                }
            } else if (a == null ? b != null : !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    private static BigDecimal decimal(Object value) {
        return switch (value) {
            case Decimal128 d -> d.bigDecimalValue();
            case BigDecimal b -> b;
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case null -> BigDecimal.ZERO;
            default -> new BigDecimal(value.toString());
        };
    }

    // ---- writing -------------------------------------------------------------------------------------------

    private void insert(String collection, List<Document> buffer) {
        if (!buffer.isEmpty()) {
            db.getCollection(collection).insertMany(buffer, new InsertManyOptions().ordered(false));
            buffer.clear();
        }
    }

    /**
     * The pass's sums added to the stored rollup documents (the ingested stories', as the service wrote them) and
     * written back whole, with a new revision (the service keeps documents it wrote by their revision).
     */
    private void write(Sums sums, Map<String, long[]> shape) {
        MongoCollection<Document> rollups = db.getCollection(ROLLUPS);
        var ids = new ArrayList<String>();
        sums.entries.keySet().forEach(ids::add);
        sums.marks.keySet().stream().filter(id -> !sums.entries.containsKey(id)).forEach(ids::add);
        if (copies == 0) {
            for (Document stored : rollups.find(new Document("tenantId", AnalyticsHistory.TENANT))
                    .projection(new Document("_id", 1))) {
                ids.add(stored.getString("_id"));
            }
        }
        var writes = new ArrayList<WriteModel<Document>>();
        for (int from = 0; from < ids.size(); from += WRITE_BATCH) {
            var chunk = ids.subList(from, Math.min(ids.size(), from + WRITE_BATCH));
            var stored = new HashMap<String, Document>();
            rollups.find(new Document("_id", new Document("$in", new ArrayList<>(chunk))))
                    .forEach(doc -> stored.put(doc.getString("_id"), doc));
            for (String id : chunk) {
                Document doc = stored.get(id);
                Map<String, Document> entries = new LinkedHashMap<>();
                Document marks = new Document();
                if (doc != null) {
                    entries.putAll(storedEntries(doc));
                    marks.putAll(doc.get("marks", new Document()));
                }
                var base = new HashMap<String, Map<String, Document>>();
                base.put(id, entries);
                sums.entries.getOrDefault(id, Map.of()).forEach((key, entry) -> {
                    var dims = new Document();
                    var figures = new Document();
                    entry.forEach(
                            (name, value) -> (service.dimensions.contains(name) ? dims : figures).put(name, value));
                    service.invoke(service.accumulate, base, id, key, dims, figures);
                });
                sums.marks.getOrDefault(id, Map.of()).forEach((mark, revision) -> {
                    Object had = marks.get(mark);
                    marks.put(mark, had instanceof Number n ? Math.max(n.longValue(), revision) : revision);
                });
                Map<String, Document> e = new LinkedHashMap<>();
                base.get(id).forEach((key, entry) -> e.put(key, stored(entry)));
                long revision = doc != null && doc.get("rev") instanceof Number n ? n.longValue() + 1 : 1L;
                Document written = new Document("_id", id)
                        .append("tenantId", AnalyticsHistory.TENANT)
                        .append("rev", revision)
                        .append("marks", marks);
                service.invoke(service.withEntries, written, e);
                String kind = kind(id);
                long[] s = shape.computeIfAbsent(kind, x -> new long[4]);
                s[0]++;
                s[1] += e.size();
                s[2] = Math.max(s[2], e.size());
                s[3] += marks.size();
                if (copies > 0) {
                    writes.add(
                            new ReplaceOneModel<>(new Document("_id", id), written, new ReplaceOptions().upsert(true)));
                }
            }
            if (!writes.isEmpty()) {
                rollups.bulkWrite(writes);
                writes.clear();
            }
        }
    }

    /** The kind of a rollup document: its id's second part ({@code closed}, {@code funnel}, {@code act-calls}...). */
    static String kind(String id) {
        String rest = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
        int bar = rest.indexOf('|');
        return bar < 0 ? rest : rest.substring(0, bar);
    }

    /** An entry as the service stores it: decimals as Decimal128. */
    private static Document stored(Document entry) {
        var copy = new Document();
        entry.forEach((name, value) -> copy.put(name, value instanceof BigDecimal b ? new Decimal128(b) : value));
        return copy;
    }
}
