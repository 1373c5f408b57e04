package org.opencrm.analytics.projection;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/**
 * The funnel report's rollups, per pipeline, owner, department, stage, stage position and stage kind, three times
 * over: per UTC hour in blocks of {@value #BLOCK_HOURS} hours ({@link #hoursId}), per UTC day ({@link #dayId}) and
 * over a UTC month's inner days ({@link #monthId}), the day and month sums also per stage alone ({@link #stageDayId}),
 *
 * <ul>
 *   <li>the stage's cohort: {@value #ENTERED} deals whose <em>first</em> entry into the stage (created in it or
 *       first moved into it) falls in that hour, with the owner and department of that entry; of those,
 *       {@value #FORWARD} (have since left the stage for a later one or won), {@value DealRollups#WON} (now won)
 *       and {@value DealRollups#LOST} (lost from this stage and still lost);
 *   <li>the moves out of the stage in that hour ({@value #EXITS}, with the owner and department of the move), the
 *       sum of the seconds deals-service measured in the stage ({@value #SECONDS}) and their histogram in two
 *       levels: in the entry {@code c<coarse bucket>} moves per {@linkplain #coarseBucket coarse bucket}, and in the
 *       document's {@link DealRollups#HISTOGRAMS} map, per coarse bucket ({@link #histogramKey}), {@code b<bucket>}
 *       moves per {@linkplain #bucket bucket of 3 significant digits} and, above {@value FirstResponses#EXACT_BELOW}
 *       s, {@code bs<bucket>} their seconds.
 * </ul>
 *
 * Both are a contribution of the deal document (its {@link DealRollups#TIMELINE}, {@code forwardFrom},
 * {@code outcome}, {@code lostFrom}), added to {@link DealRollups#contribution} and kept exact by its difference
 * rule: a deal's first entry into a stage moves to an earlier hour when an earlier event arrives late, and its
 * cohort figures change when it is won, lost or reopened, each change applied once. Counting the first entry
 * only is what makes the cohort a sum: a count of distinct deals per period (a deal entering a stage twice
 * counting once a week but twice by day) is not a sum of per-hour contributions. Every figure is a sum, so a
 * report may also subtract one document from another (a day less its last hours) and stay exact.
 */
public final class FunnelRollups {

    public static final String ENTERED = "entered";
    public static final String FORWARD = "forward";
    public static final String EXITS = "exits";
    public static final String SECONDS = "seconds";
    /** A histogram bucket's moves: {@code b<bucket>} ({@link #bucket}). */
    public static final String BUCKET = "b";
    /** A histogram bucket's sum of seconds, {@code bs<bucket>}, for buckets from {@value FirstResponses#EXACT_BELOW} s. */
    public static final String BUCKET_SUM = "bs";
    /** A coarse histogram bucket's moves, {@code c<coarse bucket>} ({@link #coarseBucket}), in the entry itself. */
    public static final String COARSE = "c";

    /** The significant bits a coarse bucket keeps of a duration from {@value #COARSE_EXACT_BELOW} s. */
    static final int COARSE_BITS = 5;
    /** Below this many seconds coarse buckets are spans of {@value #COARSE_SPAN} s. */
    static final long COARSE_EXACT_BELOW = FirstResponses.EXACT_BELOW;

    static final long COARSE_SPAN = 128;

    /**
     * The UTC hours of one hourly document. Smaller blocks make a row boundary's read smaller (a block holds ~244
     * entries per hour at 1,000,000 deals a year for one pipeline) and cost more documents to write per batch.
     */
    public static final int BLOCK_HOURS = 3;

    private FunnelRollups() {}

    /**
     * The hourly entries of one pipeline in a block of {@value #BLOCK_HOURS} UTC hours: {@code
     * <tenant>|funnel|<UTC day>T<block's first hour>|<pipeline>}. A report reads hours only where a row of its
     * answer, or the period, starts or ends inside a UTC day, and then only the block holding those hours (in
     * Europe/Berlin by month the last UTC day's 21:00-24:00). Ids sort by time, then pipeline.
     */
    public static String hoursId(String tenantId, Instant hour, String pipelineId) {
        return id(hoursPrefix(tenantId), blockName(hour), pipelineId);
    }

    /** Every hourly funnel document of the tenant has an id starting with this, followed by its block's name. */
    public static String hoursPrefix(String tenantId) {
        return DealRollups.escape(tenantId) + "|funnel|";
    }

    /** A block's name in its documents' ids, {@code 2026-03-31T21}: fixed width, so names sort by time. */
    public static String blockName(Instant hour) {
        Instant block = blockOf(hour);
        return LocalDate.ofInstant(block, ZoneOffset.UTC) + "T"
                + String.format(
                        Locale.ROOT, "%02d", block.atZone(ZoneOffset.UTC).getHour());
    }

    /** The first hour of the block holding an instant. */
    public static Instant blockOf(Instant instant) {
        long hours = Math.floorDiv(instant.getEpochSecond(), 3600);
        return Instant.ofEpochSecond(Math.floorDiv(hours, BLOCK_HOURS) * BLOCK_HOURS * 3600);
    }

    /**
     * One pipeline's funnel on a UTC day without hours, {@code <tenant>|funnel-day|<UTC day>|<pipeline>}: what its
     * hourly documents hold, summed. A report reads it for a UTC day wholly inside one row of its answer (and, less
     * the hours read beside it, for a day a row boundary cuts).
     */
    public static String dayId(String tenantId, LocalDate utcDay, String pipelineId) {
        return id(dayPrefix(tenantId), utcDay, pipelineId);
    }

    /** Every funnel day document of the tenant has an id starting with this, followed by its UTC day. */
    public static String dayPrefix(String tenantId) {
        return DealRollups.escape(tenantId) + "|funnel-day|";
    }

    /**
     * One pipeline's funnel over a UTC month's inner days ({@link DealRollups#isInnerDay}) without hours, {@code
     * <tenant>|funnel-month|<UTC month>|<pipeline>}, as {@link DealRollups#createdMonthId} for the sources report:
     * those days lie inside the same month of every zone.
     */
    public static String monthId(String tenantId, YearMonth utcMonth, String pipelineId) {
        return id(monthPrefix(tenantId), utcMonth, pipelineId);
    }

    /** Every funnel month document of the tenant has an id starting with this, followed by its UTC month. */
    public static String monthPrefix(String tenantId) {
        return DealRollups.escape(tenantId) + "|funnel-month|";
    }

    /**
     * One pipeline's funnel on a UTC day per stage alone, {@code <tenant>|funnel-stage-day|<UTC day>|<pipeline>}:
     * {@link #dayId}'s figures summed over owners and departments, their keys naming neither ({@code -|-|...}). A
     * report reads it for a caller whose figures depend on no owner or department (the whole tenant, no owner or
     * department filter). At 1,000,000 deals a year most moves out of a stage have a histogram bucket of their own
     * per owner; summed over the tenant's reps, many share one, so these documents hold a fraction of the figures.
     */
    public static String stageDayId(String tenantId, LocalDate utcDay, String pipelineId) {
        return id(stageDayPrefix(tenantId), utcDay, pipelineId);
    }

    /** Every per-stage funnel day document of the tenant has an id starting with this, followed by its UTC day. */
    public static String stageDayPrefix(String tenantId) {
        return DealRollups.escape(tenantId) + "|funnel-stage-day|";
    }

    /** {@link #stageDayId} over a UTC month's inner days, as {@link #monthId}. */
    public static String stageMonthId(String tenantId, YearMonth utcMonth, String pipelineId) {
        return id(stageMonthPrefix(tenantId), utcMonth, pipelineId);
    }

    /** Every per-stage funnel month document of the tenant has an id starting with this, followed by its month. */
    public static String stageMonthPrefix(String tenantId) {
        return DealRollups.escape(tenantId) + "|funnel-stage-month|";
    }

    /**
     * A funnel document's id: its kind's prefix ({@link #dayPrefix}, {@link #stageMonthPrefix}, ...), the UTC month,
     * day or block it holds, and its pipeline.
     */
    public static String id(String kindPrefix, Object period, String pipelineId) {
        return kindPrefix + period + "|" + DealRollups.part(pipelineId);
    }

    /**
     * A key's dimensions without its owner and department ({@code <owner>|<department>|<rest>} to {@code -|-|<rest>}):
     * the key of the same figures in a per-stage document.
     */
    public static String stageKey(String dims) {
        int owner = dims.indexOf('|');
        return "-|-|" + dims.substring(dims.indexOf('|', owner + 1) + 1);
    }

    /**
     * A duration's histogram bucket, the same as the activity report's first responses ({@link
     * FirstResponses#bucket}): 3 significant decimal digits in HdrHistogram's sense, the duration itself below
     * {@value FirstResponses#EXACT_BELOW} s, above it its top 12 bits. A bucket above keeps the sum of its
     * durations too ({@value #BUCKET_SUM}), and the median takes a bucket's mean: at most 0.05% off, exact when the
     * bucket holds one distinct duration.
     */
    public static long bucket(long seconds) {
        return FirstResponses.bucket(seconds);
    }

    /**
     * A histogram bucket's coarse bucket: below {@value #COARSE_EXACT_BELOW} s spans of {@value #COARSE_SPAN} s,
     * above it the duration's top {@value #COARSE_BITS} bits (16 per power of two), so that each holds at most 128 of
     * the fine buckets ({@link #bucket}) and a year's durations fall into ~220 of them. An entry counts its moves per
     * coarse bucket ({@value #COARSE}); their fine buckets are kept apart, per coarse bucket, in the document's
     * {@link DealRollups#HISTOGRAMS} map ({@link #histogramKey}), where a report reads only the coarse buckets
     * holding its rows' medians. A coarse bucket is itself a bucket: the smallest duration it holds.
     */
    public static long coarseBucket(long bucket) {
        if (bucket < COARSE_EXACT_BELOW) {
            return bucket < 0 ? bucket : bucket / COARSE_SPAN * COARSE_SPAN;
        }
        int shift = (63 - Long.numberOfLeadingZeros(bucket)) - (COARSE_BITS - 1);
        return (bucket >> shift) << shift;
    }

    /**
     * The key of an entry's fine buckets within one coarse bucket in its document's {@link DealRollups#HISTOGRAMS}
     * map: {@code <coarse bucket>|<entry key>}.
     */
    public static String histogramKey(long coarseBucket, String entryKey) {
        return coarseBucket + "|" + entryKey;
    }

    /** The stage entries and moves of one deal document, added to its contribution. */
    static void contribute(String tenant, Document deal, Map<String, Map<String, Document>> result) {
        Document timeline = deal.get(DealRollups.TIMELINE, Document.class);
        if (tenant == null || timeline == null) {
            return;
        }
        // the first entry per (pipeline, stage): the earliest, the lower event version first at the same time
        Map<List<String>, Map.Entry<Long, Document>> firsts = new LinkedHashMap<>();
        timeline.forEach((version, value) -> {
            Document entry = (Document) value;
            String kind = entry.getString("kind");
            Date at = entry.getDate("at");
            if (at == null || !("ENTERED".equals(kind) || "MOVED".equals(kind))) {
                return;
            }
            long v = Long.parseLong(version);
            if (entry.getString("stage") != null) {
                List<String> stage = java.util.Arrays.asList(entry.getString("pipelineId"), entry.getString("stage"));
                var first = firsts.get(stage);
                if (first == null
                        || at.before(first.getValue().getDate("at"))
                        || (at.equals(first.getValue().getDate("at")) && v < first.getKey())) {
                    firsts.put(stage, Map.entry(v, entry));
                }
            }
            if ("MOVED".equals(kind) && entry.getString("fromStage") != null) {
                Object measured = entry.get("secondsInPreviousStage");
                long seconds = measured == null ? 0 : ((Number) measured).longValue();
                long bucket = bucket(seconds);
                Document figures =
                        new Document(EXITS, 1L).append(SECONDS, seconds).append(COARSE + coarseBucket(bucket), 1L);
                Document fine = new Document(BUCKET + bucket, 1L);
                if (bucket >= FirstResponses.EXACT_BELOW) {
                    fine.append(BUCKET_SUM + bucket, seconds);
                }
                add(
                        tenant,
                        entry,
                        entry.getString("fromStage"),
                        entry.getInteger("fromPosition", 0),
                        entry.getString("fromStageKind"),
                        figures,
                        coarseBucket(bucket),
                        fine,
                        result);
            }
        });
        String outcome = deal.getString("outcome");
        List<?> forwardFrom = deal.getList("forwardFrom", Object.class, List.of());
        firsts.forEach((stage, first) -> {
            Document entry = first.getValue();
            Document figures = new Document(ENTERED, 1L);
            if (forwardFrom.contains(stage.get(1))) {
                figures.append(FORWARD, 1L);
            }
            if ("WON".equals(outcome)) {
                figures.append(DealRollups.WON, 1L);
            }
            if ("LOST".equals(outcome) && stage.get(1).equals(deal.getString("lostFrom"))) {
                figures.append(DealRollups.LOST, 1L);
            }
            add(
                    tenant,
                    entry,
                    stage.get(1),
                    entry.getInteger("position", 0),
                    entry.getString("stageKind"),
                    figures,
                    0,
                    null,
                    result);
        });
    }

    /**
     * An entry's dimensions, as its key in the rollup document names them: {@code
     * <hour>|<owner>|<department>|<pipeline>|<stage>|<position>|<kind>} in an hourly document, the same without the
     * hour (null here) in a day or month document.
     */
    public record Key(
            Instant hour,
            String ownerId,
            String departmentId,
            String pipelineId,
            String stage,
            int position,
            String stageKind) {

        public static Key parse(String key) {
            String[] parts = key.split("\\|", -1);
            if (parts.length != 7 && parts.length != 6) {
                throw new IllegalStateException("not a funnel rollup key: " + key);
            }
            int at = parts.length - 6;
            return new Key(
                    at == 0 ? null : Instant.ofEpochSecond(Long.parseLong(parts[0])),
                    value(parts[at]),
                    value(parts[at + 1]),
                    value(parts[at + 2]),
                    value(parts[at + 3]),
                    Integer.parseInt(parts[at + 4]),
                    value(parts[at + 5]));
        }

        /** The inverse of {@link DealRollups#part}. */
        private static String value(String part) {
            if (part.equals("-")) {
                return null;
            }
            return part.substring(1)
                    .replace("%24", "$")
                    .replace("%2E", ".")
                    .replace("%7C", "|")
                    .replace("%25", "%");
        }
    }

    private static void add(
            String tenant,
            Document entry,
            String stage,
            int position,
            String stageKind,
            Document figures,
            long coarseBucket,
            Document fine,
            Map<String, Map<String, Document>> result) {
        Instant hour = entry.getDate("at").toInstant().truncatedTo(ChronoUnit.HOURS);
        String owner = entry.getString("ownerId");
        String department = entry.getString("departmentId");
        String pipeline = entry.getString("pipelineId");
        // the key names the dimensions ({@link Key}); the entry holds the figures only, which halves what a report
        // reads and decodes per entry
        String dims = DealRollups.part(owner) + "|" + DealRollups.part(department) + "|" + DealRollups.part(pipeline)
                + "|" + DealRollups.part(stage) + "|" + position + "|" + DealRollups.part(stageKind);
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        // the same figures three times: per hour, per day and over the month's inner days, so that a report reads
        // each part of its period from the coarsest document that lies inside one of its rows
        String hourKey = hour.getEpochSecond() + "|" + dims;
        accumulate(result, hoursId(tenant, hour, pipeline), hourKey, figures, coarseBucket, fine);
        accumulate(result, dayId(tenant, day, pipeline), dims, figures, coarseBucket, fine);
        // and per stage alone, for callers who see the whole tenant (stageDayId); the hours are read per owner
        accumulate(result, stageDayId(tenant, day, pipeline), stageKey(dims), figures, coarseBucket, fine);
        if (DealRollups.isInnerDay(day)) {
            accumulate(result, monthId(tenant, YearMonth.from(day), pipeline), dims, figures, coarseBucket, fine);
            accumulate(
                    result,
                    stageMonthId(tenant, YearMonth.from(day), pipeline),
                    stageKey(dims),
                    figures,
                    coarseBucket,
                    fine);
        }
    }

    /** An entry's figures into its document, and its fine histogram buckets (if any) beside them. */
    private static void accumulate(
            Map<String, Map<String, Document>> result,
            String id,
            String key,
            Document figures,
            long coarseBucket,
            Document fine) {
        DealRollups.accumulate(result, id, key, new Document(), figures);
        if (fine != null) {
            DealRollups.accumulate(
                    result, id, DealRollups.histogramKey(histogramKey(coarseBucket, key)), new Document(), fine);
        }
    }
}
