package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.mongodb.client.MongoCollection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.FirstResponses;
import org.opencrm.analytics.projection.FunnelRollups;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;

/**
 * The funnel: per stage, the deals whose first entry into it (created in it, or first moved into it) falls in
 * the period, with the owner and department of that entry, and how far they got since (from the deal's current
 * facts); and the moves out of the stage in the period with the time deals-service measured in it, the median
 * from durations kept to 3 significant digits ({@link FunnelRollups#bucket}), as the activity report's first responses.
 *
 * <p>Read from the rollups ({@link FunnelRollups}: the period's UTC months, days and blocks of hours by {@code _id},
 * {@link #plan}), or for a zone whose days do not start on whole UTC hours aggregated from the history facts by the
 * same definitions.
 */
@Component
class FunnelQuery {

    private final MongoTemplate mongo;

    FunnelQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    FunnelReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        if (window.daysStartOnWholeHours()) {
            return fromRollups(facts, scope, window);
        }
        return fromFacts(facts, scope, window);
    }

    /**
     * The report from the funnel rollups ({@link #plan}: month documents for whole UTC months inside one row, day
     * documents for whole UTC days, the hours of a block only where a row or the period starts or ends inside a UTC
     * day), whatever the deal count. Every figure is a sum, so a document may be subtracted as well as added: a
     * day a row boundary cuts is its day document less the hours on the boundary's other side, added to those
     * hours' own row.
     */
    FunnelReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Plan plan = plan(window);
        String tenant = scope.tenantId();
        String pipeline = scope.filters().pipelineId();
        // a caller whose figures depend on no owner or department reads the month and day documents per stage alone
        // (FunnelRollups.stageDayId), and sums every entry under its stage's key: the hours, read per owner, then add
        // to and subtract from the same sums as the per-stage documents
        boolean byStage = scope.kind() == AnalyticsScope.Kind.TENANT
                && scope.filters().ownerId() == null
                && scope.filters().departmentId() == null;
        String dayPrefix = byStage ? FunnelRollups.stageDayPrefix(tenant) : FunnelRollups.dayPrefix(tenant);
        String monthPrefix = byStage ? FunnelRollups.stageMonthPrefix(tenant) : FunnelRollups.monthPrefix(tenant);
        var rollups = mongo.getCollection(facts.rollups());
        // month documents first and one per reply: at 1,000,000 deals a year one holds ~400,000 histogram figures
        // (~7 MB of BSON, several times that decoded), too many for the service's heap four at a time (RollupReads)
        List<Document> months = new ArrayList<>();
        List<Document> filters = new ArrayList<>();
        if (pipeline != null) {
            List<String> monthIds = new ArrayList<>();
            plan.months().keySet().forEach(month -> monthIds.add(FunnelRollups.id(monthPrefix, month, pipeline)));
            List<String> ids = new ArrayList<>();
            plan.days().keySet().forEach(day -> ids.add(FunnelRollups.id(dayPrefix, day, pipeline)));
            plan.blocks().forEach(block -> ids.add(FunnelRollups.hoursId(tenant, block, pipeline)));
            if (!monthIds.isEmpty()) {
                months.add(new Document("_id", new Document("$in", monthIds)));
            }
            if (!ids.isEmpty()) {
                filters.add(new Document("_id", new Document("$in", ids)));
            }
        } else {
            // every pipeline's documents of a run of consecutive months, days or blocks: one _id range (ids sort
            // by time, then pipeline)
            ranges(monthPrefix, plan.months().keySet(), YearMonth::plusMonths, months);
            ranges(dayPrefix, plan.days().keySet(), LocalDate::plusDays, filters);
            ranges(
                    FunnelRollups.hoursPrefix(tenant),
                    plan.blocks(),
                    (block, n) -> block.plus(n * FunnelRollups.BLOCK_HOURS, ChronoUnit.HOURS),
                    FunnelRollups::blockName,
                    filters);
        }
        List<Iterable<RollupDocument>> reads = new ArrayList<>();
        months.forEach(filter -> reads.add(RollupReads.entries(rollups, filter, 1)));
        filters.forEach(filter -> reads.add(RollupReads.entries(rollups, filter)));
        // net sums per row and entry dimensions (the cohort's and exits' counts), per row the coarse histogram, and
        // per document the entries whose fine buckets a row's median may need
        Map<Group, long[]> sums = new HashMap<>();
        Map<List<String>, BucketSums> coarse = new HashMap<>();
        Map<String, Map<String, FineSource>> fineSources = new HashMap<>();
        Map<String, FunnelRollups.Key> visible = new HashMap<>();
        FunnelRollups.Key hidden = new FunnelRollups.Key(null, null, null, null, null, 0, null);
        String hoursPrefix = FunnelRollups.hoursPrefix(tenant);
        Set<String> blocks = new HashSet<>();
        plan.blocks().forEach(block -> blocks.add(FunnelRollups.blockName(block)));
        for (Iterable<RollupDocument> read : reads) {
            for (RollupDocument rollup : read) {
                String id = rollup.id();
                List<Use> whole = null;
                boolean hourly = false;
                if (id.startsWith(monthPrefix)) {
                    whole = plan.months().get(YearMonth.parse(period(id, monthPrefix)));
                } else if (id.startsWith(dayPrefix)) {
                    whole = plan.days().get(LocalDate.parse(period(id, dayPrefix)));
                } else if (id.startsWith(hoursPrefix)) {
                    // a block's id, not a whole day's as before 2026-11-23 (a version built then is rebuilt)
                    hourly = blocks.contains(period(id, hoursPrefix));
                }
                if (whole == null && !hourly) {
                    continue;
                }
                for (RollupEntry entry : rollup.entries()) {
                    String key = entry.key();
                    List<Use> uses = whole;
                    String dims = key;
                    if (hourly) {
                        int bar = key.indexOf('|');
                        uses = plan.hours().get(Instant.ofEpochSecond(Long.parseLong(key.substring(0, bar))));
                        dims = key.substring(bar + 1);
                    }
                    if (uses == null) {
                        continue;
                    }
                    if (byStage && hourly) {
                        dims = FunnelRollups.stageKey(dims);
                    }
                    var parsed = visible.computeIfAbsent(dims, d -> {
                        var k = FunnelRollups.Key.parse(d);
                        return scope.canSeeRecord(k.ownerId(), k.departmentId(), k.pipelineId()) ? k : hidden;
                    });
                    if (parsed == hidden) {
                        continue;
                    }
                    boolean moves = false;
                    for (Use use : uses) {
                        long[] counts =
                                sums.computeIfAbsent(new Group(use.label(), dims), g -> new long[COUNTS.size()]);
                        BucketSums histogram = null;
                        for (int field = 0; field < entry.size(); field++) {
                            long value = use.sign() * entry.count(field);
                            // no count's name starts as a coarse bucket's
                            if (!entry.nameStartsWith(field, FunnelRollups.COARSE)) {
                                int at = countAt(entry, field);
                                if (at >= 0) {
                                    counts[at] += value;
                                }
                                continue;
                            }
                            if (histogram == null) {
                                histogram = coarse.computeIfAbsent(row(use, parsed), r -> new BucketSums());
                            }
                            histogram.add(entry.nameNumber(field, FunnelRollups.COARSE.length()), value, 0);
                            moves = true;
                        }
                    }
                    if (moves) {
                        fineSources
                                .computeIfAbsent(id, d -> new HashMap<>())
                                .put(entry.key(), new FineSource(uses, parsed));
                    }
                }
            }
        }
        Map<List<String>, Builder> rows = new LinkedHashMap<>();
        sums.forEach((group, counts) -> {
            for (int i = 0; i < COUNTS.size(); i++) {
                // a negative count would mean the plan subtracted what it did not add
                if (counts[i] < 0 && i != SECONDS_AT) {
                    throw new IllegalStateException(
                            "the funnel's rollups summed to " + counts[i] + " " + COUNTS.get(i));
                }
            }
            long entered = counts[0];
            long exits = counts[4];
            if (entered == 0 && exits == 0) {
                return;
            }
            var key = visible.get(group.dims());
            var row = row(rows, group.label(), key.pipelineId(), key.stage());
            if (entered > 0) {
                row.addCohort(key.position(), key.stageKind(), entered, counts[1], counts[2], counts[3]);
            }
            if (exits > 0) {
                row.addExits(key.position(), key.stageKind(), exits, counts[SECONDS_AT]);
            }
        });
        Map<List<String>, BucketSums> histograms = medianHistograms(rollups, coarse, fineSources);
        histograms.forEach((row, buckets) -> {
            Builder builder = rows.get(row);
            buckets.forEach((bucket, count, seconds) -> {
                if (builder == null || count <= 0) {
                    throw new IllegalStateException(
                            "the funnel's rollups summed to " + count + " moves of " + bucket + " s in " + row);
                }
            });
            if (builder != null) {
                builder.durations = buckets;
            }
        });
        return report(window, rows);
    }

    /** A row's key in the histograms: its label, pipeline and stage. */
    private static List<String> row(Use use, FunnelRollups.Key dims) {
        return java.util.Arrays.asList(use.label(), dims.pipelineId(), dims.stage());
    }

    /** An entry of a document read, with moves: the rows it went to, and its dimensions. */
    private record FineSource(List<Use> uses, FunnelRollups.Key dims) {}

    /**
     * Each row's histogram, as exact as its median needs: the fine buckets ({@link FunnelRollups#bucket}) of the
     * coarse buckets holding the row's middle durations, read now from the {@link DealRollups#HISTOGRAMS} maps of the
     * documents read (only the entries that went to that row, in only those coarse buckets), and each other coarse
     * bucket as one bucket of its moves, at its lower bound. The median ({@link DurationMedian#of}) reads only the
     * middle durations, so it is the one the whole fine histogram gives. At 1,000,000 deals a quarter's funnel read
     * ~500,000 fine bucket figures, which both the database (encoding them) and this service (summing them) spent
     * most of the call on; the coarse buckets are ~220 per entry at most, and a row's fine ones in one coarse
     * bucket at most 128 per entry.
     */
    private Map<List<String>, BucketSums> medianHistograms(
            MongoCollection<Document> rollups,
            Map<List<String>, BucketSums> coarse,
            Map<String, Map<String, FineSource>> fineSources) {
        Map<List<String>, long[]> middles = new HashMap<>();
        coarse.forEach((row, buckets) -> middles.put(row, DurationMedian.middleBuckets(buckets)));
        // per document, the keys of its fine buckets the rows need; documents needing the same keys read together
        Map<Set<String>, List<String>> reads = new LinkedHashMap<>();
        fineSources.forEach((id, sources) -> {
            Set<String> keys = new java.util.TreeSet<>();
            sources.forEach((key, source) -> source.uses().forEach(use -> {
                for (long middle : middles.getOrDefault(row(use, source.dims()), new long[0])) {
                    keys.add(FunnelRollups.histogramKey(middle, key));
                }
            }));
            if (!keys.isEmpty()) {
                reads.computeIfAbsent(keys, k -> new ArrayList<>()).add(id);
            }
        });
        Map<List<String>, BucketSums> fine = new HashMap<>();
        reads.forEach((keys, ids) -> {
            for (RollupDocument rollup : RollupReads.histograms(rollups, ids, keys)) {
                Map<String, FineSource> sources = fineSources.get(rollup.id());
                for (RollupEntry entry : rollup.entries(DealRollups.HISTOGRAMS)) {
                    String key = entry.key();
                    int bar = key.indexOf('|');
                    long coarseBucket = Long.parseLong(key, 0, bar, 10);
                    FineSource source = sources.get(key.substring(bar + 1));
                    for (Use use : source.uses()) {
                        List<String> row = row(use, source.dims());
                        long[] rowMiddles = middles.get(row);
                        if (rowMiddles == null || !contains(rowMiddles, coarseBucket)) {
                            // another row's coarse bucket, read for the rows of the same entry
                            continue;
                        }
                        BucketSums histogram = fine.computeIfAbsent(row, r -> new BucketSums());
                        for (int field = 0; field < entry.size(); field++) {
                            long value = use.sign() * entry.count(field);
                            boolean sum = entry.nameStartsWith(field, FunnelRollups.BUCKET_SUM);
                            long bucket = entry.nameNumber(
                                    field, (sum ? FunnelRollups.BUCKET_SUM : FunnelRollups.BUCKET).length());
                            if (FunnelRollups.coarseBucket(bucket) != coarseBucket) {
                                throw new IllegalStateException("the funnel's rollup " + rollup.id() + " holds "
                                        + bucket + " s in the coarse bucket " + coarseBucket + " s");
                            }
                            histogram.add(bucket, sum ? 0 : value, sum ? value : 0);
                        }
                    }
                }
            }
        });
        Map<List<String>, BucketSums> histograms = new HashMap<>();
        coarse.forEach((row, buckets) -> {
            BucketSums histogram = fine.getOrDefault(row, new BucketSums());
            Map<Long, Long> fineMoves = new HashMap<>();
            histogram.forEach(
                    (bucket, count, seconds) -> fineMoves.merge(FunnelRollups.coarseBucket(bucket), count, Long::sum));
            long[] rowMiddles = middles.get(row);
            buckets.forEach((coarseBucket, count, seconds) -> {
                if (!contains(rowMiddles, coarseBucket)) {
                    histogram.add(coarseBucket, count, 0);
                } else if (fineMoves.getOrDefault(coarseBucket, 0L) != count) {
                    // the two levels are written together: apart, a figure was lost or applied twice
                    throw new IllegalStateException(
                            "the funnel's rollups hold " + count + " moves in the coarse bucket "
                                    + coarseBucket + " s of " + row + " and " + fineMoves.getOrDefault(coarseBucket, 0L)
                                    + " in its fine buckets");
                }
            });
            histograms.put(row, histogram);
        });
        return histograms;
    }

    private static boolean contains(long[] values, long value) {
        for (long v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** An entry's counts, in this order (the histogram's figures aside). */
    private static final List<String> COUNTS = List.of(
            FunnelRollups.ENTERED,
            FunnelRollups.FORWARD,
            DealRollups.WON,
            DealRollups.LOST,
            FunnelRollups.EXITS,
            FunnelRollups.SECONDS);

    private static final int SECONDS_AT = 5;

    /** The field's place in {@link #COUNTS}, or -1 for a histogram figure. */
    private static int countAt(RollupEntry entry, int field) {
        for (int at = 0; at < COUNTS.size(); at++) {
            if (entry.nameEquals(field, COUNTS.get(at))) {
                return at;
            }
        }
        return -1;
    }

    /** The month, day or block a document's id names after its kind's prefix. */
    private static String period(String id, String prefix) {
        return id.substring(prefix.length(), id.indexOf('|', prefix.length()));
    }

    /** Net figures of one row and one entry's dimensions (its key without the hour). */
    private record Group(String label, String dims) {}

    private static <T> void ranges(
            String prefix,
            java.util.Collection<T> periods,
            java.util.function.BiFunction<T, Integer, T> plus,
            List<Document> filters) {
        ranges(prefix, periods, plus, Object::toString, filters);
    }

    /** One {@code _id} range per run of consecutive periods: every pipeline's documents of those periods. */
    private static <T> void ranges(
            String prefix,
            java.util.Collection<T> periods,
            java.util.function.BiFunction<T, Integer, T> plus,
            java.util.function.Function<T, String> name,
            List<Document> filters) {
        T first = null;
        T next = null;
        for (T period : periods) {
            if (first != null && !period.equals(next)) {
                filters.add(range(prefix, name.apply(first), name.apply(next)));
                first = null;
            }
            if (first == null) {
                first = period;
            }
            next = plus.apply(period, 1);
        }
        if (first != null) {
            filters.add(range(prefix, name.apply(first), name.apply(next)));
        }
    }

    private static Document range(String prefix, String first, String after) {
        return new Document("_id", new Document("$gte", prefix + first + "|").append("$lt", prefix + after + "|"));
    }

    /** Where a document's figures, or an hour's, go: added to a row (its label) or subtracted from it. */
    record Use(String label, int sign) {}

    /**
     * The documents a period reads and where each goes: month documents ({@link FunnelRollups#monthId}) and day
     * documents ({@link FunnelRollups#dayId}) whole, and the hours of the blocks ({@link FunnelRollups#hoursId})
     * holding {@code hours}, each hour's entries where it says.
     */
    record Plan(Map<YearMonth, List<Use>> months, Map<LocalDate, List<Use>> days, Map<Instant, List<Use>> hours) {

        /** The hourly documents read: the blocks holding {@link #hours}. */
        java.util.SortedSet<Instant> blocks() {
            var blocks = new java.util.TreeSet<Instant>();
            hours.keySet().forEach(hour -> blocks.add(FunnelRollups.blockOf(hour)));
            return blocks;
        }

        /** What the plan reads, in documents weighted by their kind's estimated entries (a day document 10). */
        int cost() {
            return months.size() * MONTH_SIZE + days.size() * DAY_SIZE + blocks().size() * BLOCK_SIZE;
        }
    }

    /**
     * The estimated entries of a document, relative (a day document 10): at 1,000,000 deals a year one pipeline's
     * day holds ~350 (owners x stages), the month of its inner days about as many or up to twice, and a block of
     * hours ~244 an hour (docs/analytics.md).
     */
    private static final int DAY_SIZE = 10;

    private static final int MONTH_SIZE = 20;
    private static final int BLOCK_SIZE = 7 * FunnelRollups.BLOCK_HOURS;

    /**
     * The documents a period reads: per UTC month, either its month document (its inner days in one row) or not,
     * whichever reads less; per UTC day, whatever the month document does not already give its rows: its day
     * document and, where a row boundary or the period's start or end cuts the day, the hours on the other side of
     * the cut, subtracted from the day's row and added to their own (or, where cheaper, the day's hours alone). The
     * inner days of a UTC month lie inside the same month of every zone (offsets are under a day), so a year by
     * month reads 12 month documents and ~40 day documents in any zone, and the blocks of the hours on each
     * boundary's shorter side: none in UTC, one per boundary in Europe/Berlin (22:00 or 23:00 UTC), 3-4 where a
     * zone's months start mid-way through a UTC day (Los Angeles, Auckland). Computed from the window alone, not
     * from the data.
     */
    static Plan plan(QueryWindow window) {
        Instant start = window.start();
        Instant end = window.end();
        LocalDate firstDay = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate lastDay = LocalDate.ofInstant(end.minusNanos(1), ZoneOffset.UTC);
        Plan plan = new Plan(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        for (YearMonth month = YearMonth.from(firstDay);
                !month.isAfter(YearMonth.from(lastDay));
                month = month.plusMonths(1)) {
            Map<LocalDate, String[]> labels = new LinkedHashMap<>();
            for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
                labels.put(day, hourLabels(window, day, start, end));
            }
            Plan without = monthPlan(month, labels, null);
            String common = mostCommonInnerLabel(labels);
            Plan with = common == null ? null : monthPlan(month, labels, common);
            Plan chosen = with != null && with.cost() < without.cost() ? with : without;
            plan.months().putAll(chosen.months());
            plan.days().putAll(chosen.days());
            plan.hours().putAll(chosen.hours());
        }
        return plan;
    }

    /** The row of each UTC hour of a day, null for an hour outside the period. */
    private static String[] hourLabels(QueryWindow window, LocalDate day, Instant start, Instant end) {
        String[] labels = new String[24];
        Instant first = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant last = first.plus(23, ChronoUnit.HOURS);
        if (!first.isBefore(end) || last.isBefore(start)) {
            return labels;
        }
        if (!first.isBefore(start) && last.isBefore(end)) {
            // rows are intervals of time: the same row at both ends is the same row all day
            String label = window.label(first);
            if (label.equals(window.label(last))) {
                java.util.Arrays.fill(labels, label);
                return labels;
            }
        }
        for (int hour = 0; hour < 24; hour++) {
            Instant at = first.plus(hour, ChronoUnit.HOURS);
            labels[hour] = at.isBefore(start) || !at.isBefore(end) ? null : window.label(at);
        }
        return labels;
    }

    /** The row most of the month's inner days' hours fall in, or null when none is in the period. */
    private static String mostCommonInnerLabel(Map<LocalDate, String[]> labels) {
        Map<String, Integer> hours = new LinkedHashMap<>();
        labels.forEach((day, rows) -> {
            if (DealRollups.isInnerDay(day)) {
                for (String row : rows) {
                    if (row != null) {
                        hours.merge(row, 1, Integer::sum);
                    }
                }
            }
        });
        String common = null;
        for (var row : hours.entrySet()) {
            if (common == null || row.getValue() > hours.get(common)) {
                common = row.getKey();
            }
        }
        return common;
    }

    /**
     * A month's documents with its month document's entries going to {@code monthRow} (null: no month document):
     * every inner day then starts out in that row, every other day in none, and each day adds what turns that
     * into its hours' rows, reading as little as it can (its day document moving the whole day to the row of most
     * of its hours, then the hours that differ; or those hours alone).
     */
    private static Plan monthPlan(YearMonth month, Map<LocalDate, String[]> labels, String monthRow) {
        Plan plan = new Plan(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        if (monthRow != null) {
            plan.months().put(month, List.of(new Use(monthRow, 1)));
        }
        labels.forEach((day, rows) -> {
            String given = monthRow != null && DealRollups.isInnerDay(day) ? monthRow : null;
            String best = given;
            int bestCost = blocksApart(rows, given) * BLOCK_SIZE;
            for (String row : new java.util.LinkedHashSet<>(java.util.Arrays.asList(rows))) {
                int cost = DAY_SIZE + blocksApart(rows, row) * BLOCK_SIZE;
                if (!Objects.equals(row, given) && cost < bestCost) {
                    best = row;
                    bestCost = cost;
                }
            }
            if (!Objects.equals(best, given)) {
                plan.days().put(day, uses(given, best));
            }
            Instant first = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int hour = 0; hour < 24; hour++) {
                if (!Objects.equals(rows[hour], best)) {
                    plan.hours().put(first.plus(hour, ChronoUnit.HOURS), uses(best, rows[hour]));
                }
            }
        });
        return plan;
    }

    /** The blocks of a day holding an hour whose row is not {@code row}. */
    private static int blocksApart(String[] rows, String row) {
        int blocks = 0;
        for (int block = 0; block < 24; block += FunnelRollups.BLOCK_HOURS) {
            for (int hour = block; hour < block + FunnelRollups.BLOCK_HOURS; hour++) {
                if (!Objects.equals(rows[hour], row)) {
                    blocks++;
                    break;
                }
            }
        }
        return blocks;
    }

    /** Out of one row (none: null) into another. */
    private static List<Use> uses(String from, String to) {
        List<Use> uses = new ArrayList<>(2);
        if (from != null) {
            uses.add(new Use(from, -1));
        }
        if (to != null) {
            uses.add(new Use(to, 1));
        }
        return uses;
    }

    /**
     * The report by aggregating the deal history facts, by the same definitions: for zones whose days do not
     * start on whole UTC hours, and as the rollups' reference in tests. A deal's first entry into a stage is
     * found among all its entries before the period's end (earliest first, the lower event version at the same
     * time), then kept if it falls in the period and in scope.
     */
    FunnelReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Map<List<String>, Builder> rows = new LinkedHashMap<>();
        var cohorts = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(where("tenantId")
                                .is(scope.tenantId())
                                .and("kind")
                                .in("ENTERED", "MOVED")
                                .and("stage")
                                .ne(null)
                                .and("at")
                                .lt(window.endDate())),
                        new Document("$sort", new Document("at", 1).append("version", 1)),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("dealKey", "$dealKey")
                                                        .append("pipelineId", "$pipelineId")
                                                        .append("stage", "$stage"))
                                        .append("tenantId", new Document("$first", "$tenantId"))
                                        .append("at", new Document("$first", "$at"))
                                        .append("ownerId", new Document("$first", "$ownerId"))
                                        .append("departmentId", new Document("$first", "$departmentId"))
                                        .append("position", new Document("$first", "$position"))
                                        .append("stageKind", new Document("$first", "$stageKind"))),
                        new Document(
                                "$project",
                                new Document("dealKey", "$_id.dealKey")
                                        .append("pipelineId", "$_id.pipelineId")
                                        .append("stage", "$_id.stage")
                                        .append("tenantId", 1)
                                        .append("at", 1)
                                        .append("ownerId", 1)
                                        .append("departmentId", 1)
                                        .append("position", 1)
                                        .append("stageKind", 1)),
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.records("ownerId", "departmentId", "pipelineId"),
                                        where("at").gte(window.startDate()))),
                        new Document(
                                "$lookup",
                                new Document("from", facts.deals())
                                        .append("localField", "dealKey")
                                        .append("foreignField", "_id")
                                        .append("as", "deal")),
                        new Document("$unwind", "$deal"),
                        new Document(
                                "$project",
                                new Document("pipelineId", 1)
                                        .append("stage", 1)
                                        .append("period", window.bucket("at"))
                                        .append("position", 1)
                                        .append("stageKind", 1)
                                        .append(
                                                "forward",
                                                flag(new Document(
                                                        "$in",
                                                        List.of(
                                                                "$stage",
                                                                new Document(
                                                                        "$ifNull",
                                                                        List.of("$deal.forwardFrom", List.of()))))))
                                        .append("won", flag(new Document("$eq", List.of("$deal.outcome", "WON"))))
                                        .append(
                                                "lost",
                                                flag(new Document(
                                                        "$and",
                                                        List.of(
                                                                new Document("$eq", List.of("$deal.outcome", "LOST")),
                                                                new Document(
                                                                        "$eq",
                                                                        List.of("$deal.lostFrom", "$stage"))))))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$stage")
                                                        .append("period", "$period")
                                                        .append("position", "$position")
                                                        .append("stageKind", "$stageKind"))
                                        .append("entered", new Document("$sum", 1))
                                        .append("forward", new Document("$sum", "$forward"))
                                        .append("won", new Document("$sum", "$won"))
                                        .append("lost", new Document("$sum", "$lost")))));
        for (Document cohort : cohorts) {
            Document id = cohort.get("_id", Document.class);
            row(rows, id.getString("period"), id.getString("pipelineId"), id.getString("stage"))
                    .addCohort(
                            (int) Figures.count(id.get("position")),
                            id.getString("stageKind"),
                            Figures.count(cohort.get("entered")),
                            Figures.count(cohort.get("forward")),
                            Figures.count(cohort.get("won")),
                            Figures.count(cohort.get("lost")));
        }

        var exits = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.records("ownerId", "departmentId", "pipelineId"),
                                        where("at").gte(window.startDate()).lt(window.endDate()),
                                        where("kind").is("MOVED"),
                                        where("fromStage").ne(null))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$fromStage")
                                                        .append("period", window.bucket("at"))
                                                        .append("position", "$fromPosition")
                                                        .append("stageKind", "$fromStageKind")
                                                        .append("seconds", "$secondsInPreviousStage"))
                                        .append("exits", new Document("$sum", 1)))));
        for (Document group : exits) {
            Document id = group.get("_id", Document.class);
            long count = Figures.count(group.get("exits"));
            long seconds = Figures.count(id.get("seconds"));
            var row = row(rows, id.getString("period"), id.getString("pipelineId"), id.getString("stage"));
            row.addExits((int) Figures.count(id.get("position")), id.getString("stageKind"), count, seconds * count);
            long bucket = FunnelRollups.bucket(seconds);
            row.duration(bucket, count, bucket < FirstResponses.EXACT_BELOW ? 0 : seconds * count);
        }
        return report(window, rows);
    }

    private static FunnelReport report(QueryWindow window, Map<List<String>, Builder> rows) {
        List<FunnelReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> result.add(b.build()));
        result.sort(Comparator.comparing(FunnelReport.Row::period)
                .thenComparing(FunnelReport.Row::pipelineId)
                .thenComparingInt(FunnelReport.Row::position)
                .thenComparing(FunnelReport.Row::stage));
        return new FunnelReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                result);
    }

    private static Builder row(Map<List<String>, Builder> rows, String period, String pipelineId, String stage) {
        return rows.computeIfAbsent(
                java.util.Arrays.asList(period, pipelineId, stage), k -> new Builder(period, pipelineId, stage));
    }

    private static Document flag(Document condition) {
        return new Document("$cond", List.of(condition, 1, 0));
    }

    private static final class Builder {
        final String period;
        final String pipelineId;
        final String stage;
        /** The stage's kind as its entries name it (the greatest if they differ), else as its exits name it. */
        String enteredKind;

        String exitKind;
        int position = Integer.MIN_VALUE;
        long entered;
        long forward;
        long won;
        long lost;
        long exits;
        long seconds;
        /** Moves out by duration bucket ({@link FunnelRollups#bucket}): count and, above the exact range, seconds. */
        BucketSums durations = new BucketSums();

        Builder(String period, String pipelineId, String stage) {
            this.period = period;
            this.pipelineId = pipelineId;
            this.stage = stage;
        }

        void addCohort(int position, String kind, long entered, long forward, long won, long lost) {
            this.position = Math.max(this.position, position);
            enteredKind = greater(enteredKind, kind);
            this.entered += entered;
            this.forward += forward;
            this.won += won;
            this.lost += lost;
        }

        void addExits(int position, String kind, long exits, long seconds) {
            this.position = Math.max(this.position, position);
            exitKind = greater(exitKind, kind);
            this.exits += exits;
            this.seconds += seconds;
        }

        void duration(long bucket, long count, long seconds) {
            durations.add(bucket, count, seconds);
        }

        private static String greater(String a, String b) {
            return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
        }

        FunnelReport.Row build() {
            return new FunnelReport.Row(
                    period,
                    pipelineId,
                    stage,
                    entered > 0 ? enteredKind : exitKind,
                    position,
                    entered,
                    forward,
                    lost,
                    won,
                    Figures.ratio(forward, entered),
                    Figures.ratio(won, entered),
                    exits,
                    exits == 0 ? null : (double) seconds / exits,
                    DurationMedian.of(durations));
        }
    }
}
