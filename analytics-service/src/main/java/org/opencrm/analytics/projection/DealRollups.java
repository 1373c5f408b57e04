package org.opencrm.analytics.projection;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * The deals report's rollups: a few documents per tenant, keyed by {@code _id}, holding the report's sums, so
 * that the report reads a bounded number of documents whatever the number of deals.
 *
 * <ul>
 *   <li>{@code <tenant>|closed-hour|<UTC day>|<department>}: per closing hour (UTC), owner, pipeline and
 *       currency the deals won and lost, their amounts and the won deals' sales cycles. Hours so that a caller's
 *       time zone can regroup them into its own days (every zone whose midnights fall on whole UTC hours; the
 *       report falls back to the facts for the others); read only for the UTC days a row boundary cuts.
 *   <li>{@code <tenant>|closed-day|<UTC day>|<department>}, {@code <tenant>|closed-month|<UTC month>|<department>}:
 *       the same sums over the day, and over the month's inner days, without hours; read for the days and months
 *       that lie wholly inside one row of a report. {@code <tenant>|closed-departments|<UTC month>}: the
 *       departments with deals closed in the month, for a report that reads every department.
 *   <li>{@code <tenant>|open|<owner>}: the deals open now per department, pipeline and currency, their amounts
 *       and amounts times stage probability.
 * </ul>
 *
 * <p><b>Exact under redelivery, reordering, replay and racing writers.</b> A rollup is a sum shared by many
 * deals, so a figure bumped per event would be doubled by a redelivery. Instead each deal document's
 * contribution ({@link #contribution}) is a function of its facts, and the rollups take the difference between a
 * deal's contribution before and after a change, once:
 *
 * <ol>
 *   <li>The deal document's compare-and-set ({@link FactBatch}) that changes its facts also stores that
 *       difference as {@value #PENDING} {@code {r: <the document's new revision>, ops}}: the change and the
 *       duty to apply it are one atomic write.
 *   <li>The difference is applied to each rollup document it names with a compare-and-set of its own, which
 *       also records the deal's revision in the rollup's {@code marks}; a rollup whose mark for the deal is
 *       already at or past that revision has it (or a later one, which is only ever written after this one was
 *       applied everywhere) and is left alone.
 *   <li>Then the pending difference is removed from the deal (compare-and-set on the revision).
 * </ol>
 *
 * A writer that meets a deal with a pending difference (its writer died, or is racing) applies and removes it
 * first, then re-reads: a change is always computed against a contribution the rollups fully hold.
 *
 * <p><b>Marks are dropped once their difference is settled.</b> A mark is needed only while its difference may
 * still be applied: while it is pending on its deal. So a difference is applied to a rollup document only if,
 * asked after the document was read, the deal still holds it pending (one {@code _id} read per chunk of
 * documents); and once this JVM has cleared a difference from its deal, its marks are removed with the next write
 * of each rollup document that holds them (if still at that revision). A writer holding a stale copy of a settled
 * difference (it read the deal, then stalled) finds it no longer pending and applies nothing; if the mark was
 * dropped after it asked, the drop changed the document and its compare-and-set fails, and the retry asks again.
 * A document thus holds the marks of differences in flight and of the last ones applied to it, not one per deal
 * that ever touched it (marks left by another instance's or a dead writer's differences stay until the document
 * is rewritten after this JVM settles that deal again, or for good; they are harmless).
 */
public final class DealRollups {

    public static final String PENDING = "rollupPending";
    public static final String ENTRIES = "e";
    /**
     * The document's second map of entries, beside {@link #ENTRIES}: figures a report reads only in part, by exact
     * path ({@code hg.<key>}), such as the funnel's fine histogram buckets ({@link FunnelRollups#histogramKey}). A
     * report reading {@link #ENTRIES} does not receive them.
     */
    public static final String HISTOGRAMS = "hg";
    /** How a contribution names an entry of {@link #HISTOGRAMS}: this, then the entry's key there. */
    static final String HISTOGRAM_KEY = HISTOGRAMS + ":";

    static final String MARKS = "marks";

    public static final String OWNER = "o";
    public static final String DEPARTMENT = "d";
    public static final String PIPELINE = "p";
    public static final String HOUR = "h";
    public static final String CURRENCY = "c";
    public static final String TOPIC = "t";
    public static final String SOURCE = "s";
    public static final String STAGE = "st";
    public static final String STAGE_KIND = "sk";
    public static final String POSITION = "pos";

    /** The deal document's history by event version ({@link FactWriter}): the pipeline-as-of contribution. */
    public static final String TIMELINE = "timeline";

    public static final String WON = "won";
    public static final String WON_AMOUNT = "wonAmount";
    public static final String LOST = "lost";
    public static final String LOST_AMOUNT = "lostAmount";
    public static final String CYCLE_SECONDS = "cycleSeconds";
    public static final String DEALS = "deals";
    public static final String VALUE = "value";
    /** Amount times stage probability in percent: the report moves the point when it sums. */
    public static final String WEIGHTED = "weighted";

    public static final String APPEALS = "appeals";
    public static final String LEADS = "leads";

    private static final Set<String> DIMENSIONS =
            Set.of(OWNER, DEPARTMENT, PIPELINE, HOUR, CURRENCY, TOPIC, SOURCE, STAGE, STAGE_KIND, POSITION);
    private static final int DUPLICATE_KEY = 11000;
    private static final int ATTEMPTS = 20;
    /** Rollup documents read together when applying differences (see {@link #apply}). */
    private static final int READ_CHUNK = 32;

    /** Rollup documents applied (read, changed, written) at a time, bounding a batch's working set. */
    private static final int APPLY_CHUNK = 32;

    /** Facts asked at once whether their difference is still pending. */
    private static final int PENDING_CHUNK = 1_000;

    private DealRollups() {}

    /**
     * The deals closed on a UTC day in one department (null: none), per closing hour (UTC), owner, pipeline and
     * currency: what a report reads for the UTC days a row boundary of the caller's zone cuts, and the period's
     * edges. Per department so that a report for one department reads only its entries.
     */
    public static String closedHourId(String tenantId, LocalDate utcDay, String departmentId) {
        return escape(tenantId) + "|closed-hour|" + utcDay + "|" + part(departmentId);
    }

    /**
     * {@link #closedHourId}'s sums over the whole UTC day, without hours (per owner, pipeline and currency): what a
     * report reads for a UTC day that lies wholly inside one of its rows.
     */
    public static String closedDayId(String tenantId, LocalDate utcDay, String departmentId) {
        return escape(tenantId) + "|closed-day|" + utcDay + "|" + part(departmentId);
    }

    /**
     * {@link #closedDayId}'s sums over the inner days of a UTC month ({@link #isInnerDay}), as {@link
     * #createdMonthId} holds the deals opened.
     */
    public static String closedMonthId(String tenantId, YearMonth utcMonth, String departmentId) {
        return escape(tenantId) + "|closed-month|" + utcMonth + "|" + part(departmentId);
    }

    /**
     * The departments (null: none) with deals closed in a UTC month, each with how many: the departments whose
     * closed-deal documents of that month exist, for a report that reads every department's.
     */
    public static String closedDepartmentsId(String tenantId, YearMonth utcMonth) {
        return escape(tenantId) + "|closed-departments|" + utcMonth;
    }

    /** Every open-pipeline document of the tenant has an id starting with this. */
    public static String openPrefix(String tenantId) {
        return escape(tenantId) + "|open|";
    }

    public static String openId(String tenantId, String ownerId) {
        return openPrefix(tenantId) + part(ownerId);
    }

    public static String appealsId(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|appeals|" + utcDay;
    }

    /** The appeals logged on the inner days of a UTC month ({@link #isInnerDay}), summed over them (no hours). */
    public static String appealsMonthId(String tenantId, YearMonth utcMonth) {
        return escape(tenantId) + "|appeals-month|" + utcMonth;
    }

    /**
     * The appeals logged on the inner days of an ISO week ({@link #isInnerDayOfWeek}) starting on that Monday (UTC),
     * summed over them (no hours).
     */
    public static String appealsWeekId(String tenantId, LocalDate monday) {
        return escape(tenantId) + "|appeals-week|" + monday;
    }

    /**
     * Whether a UTC day is one of its ISO week's inner days, Tuesday to Saturday: as with {@link #isInnerDay}, they
     * lie inside the same week of every zone (a zone's Monday midnight falls between Sunday and Tuesday UTC).
     */
    public static boolean isInnerDayOfWeek(LocalDate utcDay) {
        DayOfWeek day = utcDay.getDayOfWeek();
        return day != DayOfWeek.MONDAY && day != DayOfWeek.SUNDAY;
    }

    /** The deals opened on a UTC day, per hour, owner, department, pipeline, source and (won) currency. */
    public static String createdId(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|created|" + utcDay;
    }

    /**
     * Pipeline-as-of deltas of a UTC month and pipeline, summed over the month (no hours). Ids sort by month, then
     * pipeline: a range up to a month holds every pipeline's months before it.
     */
    public static String asOfMonthId(String tenantId, YearMonth utcMonth, String pipelineId) {
        return asOfMonthPrefix(tenantId) + utcMonth + "|" + part(pipelineId);
    }

    /** Every pipeline-as-of month document of the tenant has an id starting with this; months sort as strings. */
    public static String asOfMonthPrefix(String tenantId) {
        return escape(tenantId) + "|asof-month|";
    }

    /** Pipeline-as-of deltas of a UTC day and pipeline, summed over the day (no hours). */
    public static String asOfDayId(String tenantId, LocalDate utcDay, String pipelineId) {
        return asOfDayPrefix(tenantId) + utcDay + "|" + part(pipelineId);
    }

    /** Every pipeline-as-of day document of the tenant has an id starting with this; days sort as strings. */
    public static String asOfDayPrefix(String tenantId) {
        return escape(tenantId) + "|asof-day|";
    }

    /**
     * Pipeline-as-of deltas of a UTC day and pipeline per hour: the last, partial day of a zone's "end of the
     * date".
     */
    public static String asOfHourId(String tenantId, LocalDate utcDay, String pipelineId) {
        return asOfHourPrefix(tenantId, utcDay) + part(pipelineId);
    }

    /** Every pipeline's hourly pipeline-as-of document of the UTC day has an id starting with this. */
    public static String asOfHourPrefix(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|asof-hour|" + utcDay + "|";
    }

    public static String leadsId(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|leads|" + utcDay;
    }

    /**
     * The leads received on a UTC day, per source and department without hours: what {@link #leadsId} holds for the
     * day, summed, for a report that reads the day wholly inside one of its rows.
     */
    public static String leadsDayId(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|leads-day|" + utcDay;
    }

    /**
     * The deals opened on a UTC day per department, pipeline, (won) currency and source, without owners and hours:
     * for a caller who sees the whole tenant and filters by no owner, and a day wholly inside one row of the report.
     * A tenant has tens of reps per department, so this holds a small part of {@link #createdId}'s entries.
     */
    public static String createdByDepartmentDayId(String tenantId, LocalDate utcDay) {
        return escape(tenantId) + "|created-dept-day|" + utcDay;
    }

    /** {@link #createdByDepartmentDayId} over the inner days of a UTC month ({@link #isInnerDay}). */
    public static String createdByDepartmentMonthId(String tenantId, YearMonth utcMonth) {
        return escape(tenantId) + "|created-dept-month|" + utcMonth;
    }

    /**
     * The deals opened on the inner days of a UTC month ({@link #isInnerDay}), summed over those days (no hours):
     * what {@link #createdId} holds for those days, in one document.
     */
    public static String createdMonthId(String tenantId, YearMonth utcMonth) {
        return escape(tenantId) + "|created-month|" + utcMonth;
    }

    /** The leads received on the inner days of a UTC month, summed over those days (no hours). */
    public static String leadsMonthId(String tenantId, YearMonth utcMonth) {
        return escape(tenantId) + "|leads-month|" + utcMonth;
    }

    /**
     * Whether a UTC day is one of its month's inner days: neither the first nor the last. The inner days of a UTC
     * month lie inside the same month of every zone whose offset is under a day (all of them), so a report by
     * month reads them from one document in any zone and only the first and last days, which a zone may split
     * between two of its months, per hour from the day documents.
     */
    public static boolean isInnerDay(LocalDate utcDay) {
        return utcDay.getDayOfMonth() > 1 && utcDay.getDayOfMonth() < utcDay.lengthOfMonth();
    }

    /**
     * A lead's difference, stored on its lead fact when it is inserted: one lead in its UTC day's document, per
     * hour, source and department, and per source and department in its day's document without hours and (an inner
     * day) its month's. Like an appeal, inserted once and never changed: revision 1.
     */
    static Document leadPending(String tenantId, String source, String departmentId, Date at) {
        Instant hour = at.toInstant().truncatedTo(ChronoUnit.HOURS);
        Document dims =
                new Document(SOURCE, source).append(DEPARTMENT, departmentId).append(HOUR, Date.from(hour));
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        String key = part(source) + "|" + part(departmentId);
        List<Document> ops = new ArrayList<>(3);
        ops.add(new Document("id", leadsId(tenantId, day))
                .append("k", hour.getEpochSecond() + "|" + key)
                .append("dims", dims)
                .append("inc", new Document(LEADS, 1L)));
        ops.add(new Document("id", leadsDayId(tenantId, day))
                .append("k", key)
                .append("dims", new Document(SOURCE, source).append(DEPARTMENT, departmentId))
                .append("inc", new Document(LEADS, 1L)));
        if (isInnerDay(day)) {
            ops.add(new Document("id", leadsMonthId(tenantId, YearMonth.from(day)))
                    .append("k", key)
                    .append("dims", new Document(SOURCE, source).append(DEPARTMENT, departmentId))
                    .append("inc", new Document(LEADS, 1L)));
        }
        return new Document("r", 1L).append("ops", ops);
    }

    /**
     * An appeal's difference, stored on its interaction fact when it is inserted: one appeal in its UTC day's
     * document, per hour, rep, department and topic, and per rep, department and topic in its month's and its
     * week's documents when it is one of their inner days (a report of whole weeks or months reads those instead of
     * every day). The fact is inserted once and never changes, so its difference is the whole contribution, under
     * revision 1.
     */
    static Document appealPending(String tenantId, String userId, String departmentId, String topic, Date at) {
        Instant hour = at.toInstant().truncatedTo(ChronoUnit.HOURS);
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        Document dims =
                new Document(OWNER, userId).append(DEPARTMENT, departmentId).append(TOPIC, topic);
        String key = part(userId) + "|" + part(departmentId) + "|" + part(topic);
        List<Document> ops = new ArrayList<>(3);
        ops.add(new Document("id", appealsId(tenantId, day))
                .append("k", hour.getEpochSecond() + "|" + key)
                .append("dims", new Document(dims).append(HOUR, Date.from(hour)))
                .append("inc", new Document(APPEALS, 1L)));
        if (isInnerDay(day)) {
            ops.add(new Document("id", appealsMonthId(tenantId, YearMonth.from(day)))
                    .append("k", key)
                    .append("dims", new Document(dims))
                    .append("inc", new Document(APPEALS, 1L)));
        }
        if (isInnerDayOfWeek(day)) {
            ops.add(new Document("id", appealsWeekId(tenantId, day.with(DayOfWeek.MONDAY)))
                    .append("k", key)
                    .append("dims", new Document(dims))
                    .append("inc", new Document(APPEALS, 1L)));
        }
        return new Document("r", 1L).append("ops", ops);
    }

    // ---- contributions -----------------------------------------------------------------------------------

    /** What one deal document adds to the rollups: rollup id -> entry key -> entry (dimensions and figures). */
    static Map<String, Map<String, Document>> contribution(Document deal) {
        Map<String, Map<String, Document>> result = new LinkedHashMap<>();
        if (deal == null) {
            return result;
        }
        String tenant = deal.getString("tenantId");
        String owner = deal.getString("ownerId");
        String department = deal.getString("departmentId");
        String pipeline = deal.getString("pipelineId");
        String outcome = deal.getString("outcome");
        Date closedAt = deal.getDate("closedAt");
        if (tenant == null) {
            return result;
        }
        if (("WON".equals(outcome) || "LOST".equals(outcome)) && closedAt != null) {
            Instant hour = closedAt.toInstant().truncatedTo(ChronoUnit.HOURS);
            String currency = deal.getString("closedCurrency");
            Object amount = deal.get("closedAmount");
            var entry = dims(owner, department, pipeline, currency).append(HOUR, Date.from(hour));
            boolean won = "WON".equals(outcome);
            entry.append(won ? WON : LOST, 1L);
            if (currency != null && amount != null) {
                entry.append(won ? WON_AMOUNT : LOST_AMOUNT, decimal(amount));
            }
            if (won) {
                Object cycle = deal.get("cycleSeconds");
                entry.append(CYCLE_SECONDS, cycle == null ? 0L : ((Number) cycle).longValue());
            }
            // the same deal in its department's hour, day and (inner days) month documents, and its department in
            // the month's list of departments
            String key = key(owner, department, pipeline, currency);
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            YearMonth month = YearMonth.from(day);
            result.computeIfAbsent(closedHourId(tenant, day, department), id -> new LinkedHashMap<>())
                    .put(hour.getEpochSecond() + "|" + key, entry);
            Document daily = new Document(entry);
            daily.remove(HOUR);
            result.computeIfAbsent(closedDayId(tenant, day, department), id -> new LinkedHashMap<>())
                    .put(key, daily);
            if (isInnerDay(day)) {
                result.computeIfAbsent(closedMonthId(tenant, month, department), id -> new LinkedHashMap<>())
                        .put(key, new Document(daily));
            }
            result.computeIfAbsent(closedDepartmentsId(tenant, month), id -> new LinkedHashMap<>())
                    .put(part(department), new Document(DEPARTMENT, department).append(DEALS, 1L));
        }
        Date createdAt = deal.getDate("createdAt");
        if (createdAt != null) {
            // the sources report: deals opened per hour and source, of those won and their revenue
            Instant hour = createdAt.toInstant().truncatedTo(ChronoUnit.HOURS);
            String source = deal.getString("source");
            boolean won = "WON".equals(outcome);
            String currency = won ? deal.getString("closedCurrency") : null;
            Object amount = deal.get("closedAmount");
            var entry = dims(owner, department, pipeline, currency)
                    .append(SOURCE, source)
                    .append(HOUR, Date.from(hour))
                    .append(DEALS, 1L);
            if (won) {
                entry.append(WON, 1L);
                if (currency != null && amount != null) {
                    entry.append(WON_AMOUNT, decimal(amount));
                }
            }
            String key = key(owner, department, pipeline, currency) + "|" + part(source);
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            result.computeIfAbsent(createdId(tenant, day), id -> new LinkedHashMap<>())
                    .put(hour.getEpochSecond() + "|" + key, entry);
            Document byDepartment = new Document(entry);
            byDepartment.remove(HOUR);
            if (isInnerDay(day)) {
                result.computeIfAbsent(createdMonthId(tenant, YearMonth.from(day)), id -> new LinkedHashMap<>())
                        .put(key, new Document(byDepartment));
            }
            // the same without the owner, for callers who see the whole tenant (see createdByDepartmentDayId)
            byDepartment.remove(OWNER);
            String departmentKey = part(department) + "|" + part(pipeline) + "|" + part(currency) + "|" + part(source);
            result.computeIfAbsent(createdByDepartmentDayId(tenant, day), id -> new LinkedHashMap<>())
                    .put(departmentKey, byDepartment);
            if (isInnerDay(day)) {
                result.computeIfAbsent(
                                createdByDepartmentMonthId(tenant, YearMonth.from(day)), id -> new LinkedHashMap<>())
                        .put(departmentKey, new Document(byDepartment));
            }
        }
        Document timeline = deal.get(TIMELINE, Document.class);
        if (timeline != null && !timeline.isEmpty()) {
            timelineContribution(tenant, timeline, result);
        }
        FunnelRollups.contribute(tenant, deal, result);
        if ("OPEN".equals(deal.getString("stageKind")) && outcome == null) {
            String currency = deal.getString("currency");
            Object amount = deal.get("amount");
            var entry = dims(owner, department, pipeline, currency).append(DEALS, 1L);
            if (currency != null && amount != null) {
                BigDecimal value = decimal(amount);
                entry.append(VALUE, value);
                Object probability = deal.get("stageProbability");
                if (probability != null) {
                    entry.append(WEIGHTED, value.multiply(decimal(probability)));
                }
            }
            result.computeIfAbsent(openId(tenant, owner), id -> new LinkedHashMap<>())
                    .put(key(owner, department, pipeline, currency), entry);
        }
        return result;
    }

    /**
     * The deal where the pipeline-as-of report sees it at each moment, as deltas: at every distinct time of its
     * history entries, the state that the entries up to that time give (applied in version order, as the report
     * from the facts does) replaces the previous one (-1 deal in the old stage, +1 in the new one, amounts
     * alike). The sum of the deltas before a moment is the deal's state then. Each delta goes into its UTC
     * month's, day's and (per hour) day's document of its pipeline, so that a date's pipeline is the months before
     * it, the days of its month before it and the hours of its last day, and a report for one pipeline reads only
     * that pipeline's documents.
     */
    private static void timelineContribution(
            String tenant, Document timeline, Map<String, Map<String, Document>> result) {
        List<Map.Entry<Long, Document>> entries = new ArrayList<>();
        java.util.TreeSet<Date> times = new java.util.TreeSet<>();
        timeline.forEach((version, value) -> {
            Document entry = (Document) value;
            if (entry.getDate("at") != null) {
                entries.add(Map.entry(Long.parseLong(version), entry));
                times.add(entry.getDate("at"));
            }
        });
        entries.sort(Map.Entry.comparingByKey());
        AsOfState previous = null;
        for (Date time : times) {
            AsOfState state = null;
            for (var entry : entries) {
                if (!entry.getValue().getDate("at").after(time)) {
                    state = AsOfState.next(state, entry.getValue());
                }
            }
            if (state == null || state.stage() == null || state.equals(previous)) {
                continue;
            }
            Instant hour = time.toInstant().truncatedTo(ChronoUnit.HOURS);
            if (previous != null && previous.stage() != null) {
                previous.addTo(tenant, hour, -1, result);
            }
            state.addTo(tenant, hour, 1, result);
            previous = state;
        }
    }

    /** Where a deal stood: the fold of its history entries as the pipeline-as-of report replays them. */
    private record AsOfState(
            String pipelineId,
            String ownerId,
            String departmentId,
            String stage,
            String stageKind,
            int position,
            int probability,
            BigDecimal amount,
            String currency) {

        static AsOfState next(AsOfState state, Document entry) {
            String stage = state == null ? null : state.stage;
            String kind = state == null ? null : state.stageKind;
            int position = state == null ? 0 : state.position;
            int probability = state == null ? 0 : state.probability;
            BigDecimal amount = state == null ? null : state.amount;
            String currency = state == null ? null : state.currency;
            switch (entry.getString("kind")) {
                case "ENTERED", "MOVED" -> {
                    stage = entry.getString("stage");
                    kind = entry.getString("stageKind");
                    position = entry.getInteger("position", 0);
                    probability = entry.getInteger("probability", 0);
                    amount = entry.get("amount") == null ? null : decimal(entry.get("amount"));
                    currency = entry.getString("currency");
                }
                case "AMOUNT" -> {
                    amount = entry.get("amount") == null ? null : decimal(entry.get("amount"));
                    currency = entry.getString("currency");
                }
                default -> {}
            }
            return new AsOfState(
                    entry.getString("pipelineId"),
                    entry.getString("ownerId"),
                    entry.getString("departmentId"),
                    stage,
                    kind,
                    position,
                    probability,
                    amount,
                    currency);
        }

        void addTo(String tenant, Instant hour, long sign, Map<String, Map<String, Document>> result) {
            Document dims = new Document(PIPELINE, pipelineId)
                    .append(STAGE, stage)
                    .append(STAGE_KIND, stageKind)
                    .append(POSITION, position)
                    .append(OWNER, ownerId)
                    .append(DEPARTMENT, departmentId)
                    .append(CURRENCY, currency);
            Document figures = new Document(DEALS, sign);
            if (amount != null && currency != null) {
                BigDecimal signed = sign < 0 ? amount.negate() : amount;
                figures.append(VALUE, signed).append(WEIGHTED, signed.multiply(BigDecimal.valueOf(probability)));
            }
            String key = part(pipelineId) + "|" + part(stage) + "|" + part(stageKind) + "|" + position + "|"
                    + part(ownerId) + "|" + part(departmentId) + "|" + part(currency);
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            accumulate(result, asOfMonthId(tenant, YearMonth.from(day), pipelineId), key, dims, figures);
            accumulate(result, asOfDayId(tenant, day, pipelineId), key, dims, figures);
            accumulate(
                    result,
                    asOfHourId(tenant, day, pipelineId),
                    hour.getEpochSecond() + "|" + key,
                    new Document(dims).append(HOUR, Date.from(hour)),
                    figures);
        }
    }

    /** Adds figures to an entry of a contribution; an entry whose figures all sum to zero is dropped. */
    /** The key a contribution gives an entry of a document's {@link #HISTOGRAMS} map named {@code key} there. */
    static String histogramKey(String key) {
        return HISTOGRAM_KEY + key;
    }

    /**
     * A stored rollup document's entries as contributions key them: those of {@link #ENTRIES} by their key, those of
     * {@link #HISTOGRAMS} by {@link #histogramKey}. For tools that sum contributions into stored documents (bench B3's
     * copies).
     */
    public static Map<String, Document> storedEntries(Document rollup) {
        Map<String, Document> entries = new LinkedHashMap<>();
        rollup.get(ENTRIES, new Document()).forEach((key, value) -> entries.put(key, (Document) value));
        rollup.get(HISTOGRAMS, new Document())
                .forEach((key, value) -> entries.put(histogramKey(key), (Document) value));
        return entries;
    }

    /** The inverse of {@link #storedEntries}: the entries put into {@code rollup}'s two maps, the second if any. */
    public static Document withEntries(Document rollup, Map<String, Document> entries) {
        Document plain = new Document();
        Document histograms = new Document();
        entries.forEach((key, entry) -> {
            if (key.startsWith(HISTOGRAM_KEY)) {
                histograms.put(key.substring(HISTOGRAM_KEY.length()), entry);
            } else {
                plain.put(key, entry);
            }
        });
        rollup.put(ENTRIES, plain);
        putHistograms(rollup, histograms);
        return rollup;
    }

    /** A document's {@link #HISTOGRAMS} map, none when empty: such a document is the same as one never given any. */
    private static void putHistograms(Document rollup, Document histograms) {
        if (histograms.isEmpty()) {
            rollup.remove(HISTOGRAMS);
        } else {
            rollup.put(HISTOGRAMS, histograms);
        }
    }

    static void accumulate(
            Map<String, Map<String, Document>> result, String id, String key, Document dims, Document figures) {
        var entries = result.computeIfAbsent(id, i -> new LinkedHashMap<>());
        Document entry = entries.get(key);
        Document sum = entry == null ? new Document(dims) : entry;
        figures.forEach((name, value) -> {
            Object total = add(sum.get(name), value);
            if (isZero(total)) {
                sum.remove(name);
            } else {
                sum.put(name, total);
            }
        });
        if (sum.keySet().stream().allMatch(DIMENSIONS::contains)) {
            entries.remove(key);
        } else {
            entries.put(key, sum);
        }
    }

    /**
     * The operations that turn the rollups' share of {@code before} into that of {@code after}: one per rollup
     * entry whose figures change, {@code {id, k, dims, inc}}. Empty when nothing the rollups hold changes.
     */
    static List<Document> difference(Document before, Document after) {
        return difference(DealRollups::contribution, before, after);
    }

    /** {@link #difference} for documents whose contribution another function gives (activity: tasks, calls). */
    static List<Document> difference(
            Function<Document, Map<String, Map<String, Document>>> contribution, Document before, Document after) {
        var old = contribution.apply(before);
        var now = contribution.apply(after);
        Set<String> ids = new LinkedHashSet<>(old.keySet());
        ids.addAll(now.keySet());
        List<Document> ops = new ArrayList<>();
        for (String id : ids) {
            var oldEntries = old.getOrDefault(id, Map.of());
            var newEntries = now.getOrDefault(id, Map.of());
            Set<String> keys = new LinkedHashSet<>(oldEntries.keySet());
            keys.addAll(newEntries.keySet());
            for (String key : keys) {
                Document was = oldEntries.get(key);
                Document is = newEntries.get(key);
                Document dims = new Document();
                (is != null ? is : was).forEach((name, value) -> {
                    if (DIMENSIONS.contains(name)) {
                        dims.put(name, value);
                    }
                });
                Document inc = new Document();
                Set<String> figures = new LinkedHashSet<>();
                if (was != null) {
                    figures.addAll(was.keySet());
                }
                if (is != null) {
                    figures.addAll(is.keySet());
                }
                figures.removeAll(DIMENSIONS);
                for (String figure : figures) {
                    Object change = subtract(is == null ? null : is.get(figure), was == null ? null : was.get(figure));
                    if (!isZero(change)) {
                        inc.put(figure, stored(change));
                    }
                }
                if (!inc.isEmpty()) {
                    ops.add(new Document("id", id)
                            .append("k", key)
                            .append("dims", dims)
                            .append("inc", inc));
                }
            }
        }
        return ops;
    }

    // ---- applying differences ----------------------------------------------------------------------------

    /**
     * Applies the pending differences of these deal documents to the rollups (each at most once), then removes
     * them from the deals. Safe to run by several writers at once and again after a failure at any point.
     */
    static void settle(MongoCollection<Document> deals, MongoCollection<Document> rollups, List<Document> withPending) {
        settle(deals, rollups, Due.of(withPending));
    }

    /** {@link #settle(MongoCollection, MongoCollection, List)} for differences already in the applier's form. */
    static void settle(MongoCollection<Document> deals, MongoCollection<Document> rollups, Due due) {
        if (due.isEmpty()) {
            return;
        }
        Applier applier = applierOf(rollups);
        apply(rollups, deals, due, applier);
        List<WriteModel<Document>> clears = new ArrayList<>(due.facts.size());
        for (Due.Fact fact : due.facts) {
            // the pending difference was written together with this revision; a deal changed since holds a
            // newer one, written only after this one was applied. Facts inserted once have no revision.
            Document filter = new Document("_id", fact.id());
            if (fact.revision() != null) {
                filter.append(FactBatch.REVISION, fact.revision());
            }
            clears.add(new UpdateOneModel<>(filter, new Document("$unset", new Document(PENDING, ""))));
        }
        if (deals.bulkWrite(clears, new BulkWriteOptions().ordered(false)).getMatchedCount() == clears.size()) {
            // every one of these differences is now applied everywhere and cleared: its marks may go (see apply)
            applier.settled(due);
        }
    }

    /**
     * Pending differences as the applier holds them while it works: per rollup document the operations that name
     * it, and per fact what removing its difference takes. Operations that repeat a rollup id, an entry key,
     * dimensions or changes of figures share one instance of them (the applier only reads them), and nothing here
     * refers to the facts' documents.
     *
     * <p>As the facts carry them, a difference's operations are three documents each ({@code {id, k, dims, inc}}).
     * Held that way for a whole 12,000-record poll, with the facts they hang on, they kept the batch's documents live
     * while its rollup documents were read and written: 325-365 MB of the service's 512 MB heap after each full
     * collection, ~35 of them per bench run (bench B3, docs/analytics.md).
     */
    static final class Due {

        /** A fact with a pending difference, and the revision its removal is conditional on (none: inserted once). */
        record Fact(Object id, Object revision) {}

        private final Map<String, List<Op>> byRollup = new LinkedHashMap<>();
        private final List<Fact> facts = new ArrayList<>();
        /** One instance of each rollup id, entry key, tenant, dimensions and figures' changes seen. */
        private final Map<Object, Object> shared = new HashMap<>();

        static Due of(List<Document> withPending) {
            Due due = new Due();
            withPending.forEach(due::add);
            return due;
        }

        /** Adds the pending difference ({@value DealRollups#PENDING}) of a fact document. */
        void add(Document fact) {
            Document pending = fact.get(PENDING, Document.class);
            Object revision = pending.get("r");
            long r = ((Number) revision).longValue();
            Object id = fact.get("_id");
            facts.add(new Fact(id, fact.containsKey(FactBatch.REVISION) ? revision : null));
            String mark = escape(String.valueOf(id));
            String tenantId = shared(fact.getString("tenantId"));
            for (Document op : pending.getList("ops", Document.class)) {
                byRollup.computeIfAbsent(shared(op.getString("id")), rollup -> new ArrayList<>())
                        .add(new Op(
                                mark,
                                id,
                                r,
                                tenantId,
                                shared(op.getString("k")),
                                shared(op.get("dims", Document.class)),
                                shared(op.get("inc", Document.class))));
            }
        }

        boolean isEmpty() {
            return facts.isEmpty();
        }

        @SuppressWarnings("unchecked")
        private <T> T shared(T value) {
            return value == null ? null : (T) shared.computeIfAbsent(value, v -> v);
        }
    }

    private record Op(
            String mark, Object source, long revision, String tenantId, String key, Document dims, Document inc) {}

    /**
     * Per rollups collection: the lock this JVM's appliers take, and the documents they last read or wrote.
     *
     * <p>Every batch of a listener thread names the same month documents (pipeline-as-of, sources) and many of the
     * same day documents: with the three listener threads applying at once, most applies lost a compare-and-set
     * and read and wrote everything again (bench B3: 64 retries per 100 applies). The database applies the
     * writes of one collection one after the other anyway, so one applier at a time per JVM costs no parallelism
     * and loses no races to its own threads. Its documents are kept complete (all marks and entries) with their
     * revision: a document this JVM wrote last needs no read before the next write. The compare-and-set still
     * guards every write, so another instance (or a rebuild's writer in another JVM) changing a document makes the
     * write match nothing; the batch's documents are then forgotten and read again, as before.
     */
    private static final ConcurrentHashMap<String, Applier> APPLIERS = new ConcurrentHashMap<>();

    /**
     * Marks and entries kept per rollups collection. An entry as the driver decodes it takes ~1-1.5 KB of heap, a
     * mark ~150 bytes: at most ~20-30 MB, within the service's 256 MB heap next to a 2,000-record batch.
     */
    private static final int KNOWN_FIELDS = 20_000;

    /**
     * Settled marks remembered for dropping, at most (~130 bytes of heap each: ~7 MB, next to the kept documents in
     * the service's 256 MB heap); beyond, they are forgotten and those marks stay (harmless, only not dropped).
     */
    private static final int SETTLED_MARKS = 50_000;

    private static final class Applier {
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, Document> known = new LinkedHashMap<>(256, 0.75f, true);
        long fields;
        /** Rollup id -> mark -> revision: differences this JVM saw applied everywhere and cleared from their fact. */
        final Map<String, Map<String, Long>> settled = new HashMap<>();

        long settledMarks;

        void settled(Due due) {
            lock.lock();
            try {
                if (settledMarks > SETTLED_MARKS) {
                    // forgetting them only leaves those marks in place until the documents' next difference
                    settled.clear();
                    settledMarks = 0;
                }
                due.byRollup.forEach((id, ops) -> {
                    Map<String, Long> marks = settled.computeIfAbsent(id, rollup -> new HashMap<>());
                    for (Op op : ops) {
                        if (marks.put(op.mark(), op.revision()) == null) {
                            settledMarks++;
                        }
                    }
                });
            } finally {
                lock.unlock();
            }
        }

        /** The settled marks of a document, forgotten: its write dropped them or found them replaced. */
        Map<String, Long> takeSettled(String id) {
            Map<String, Long> marks = settled.remove(id);
            if (marks == null) {
                return Map.of();
            }
            settledMarks -= marks.size();
            return marks;
        }

        Document known(String id) {
            return known.get(id);
        }

        void remember(String id, Document document) {
            forget(id);
            known.put(id, document);
            fields += size(document);
            var eldest = known.entrySet().iterator();
            while (fields > KNOWN_FIELDS && eldest.hasNext()) {
                var entry = eldest.next();
                fields -= size(entry.getValue());
                eldest.remove();
            }
        }

        void forget(String id) {
            Document gone = known.remove(id);
            if (gone != null) {
                fields -= size(gone);
            }
        }

        private static long size(Document document) {
            return 1L
                    + document.get(MARKS, new Document()).size()
                    + document.get(ENTRIES, new Document()).size()
                    + document.get(HISTOGRAMS, new Document()).size();
        }
    }

    /**
     * The update of one entry from {@code before} to {@code after} (either may be null: created, removed), field by
     * field where it stays: a difference changes one or two figures of an entry that may hold many (a funnel
     * block's histogram), and the whole entry was encoded and sent for each. In bench B3's ingestion this took 11%
     * off analytics-service's CPU (docs/analytics.md). The stored entry ends up with the same figures as {@code
     * after}.
     */
    private static void changes(String path, Document before, Document after, Document set, Document unset) {
        if (after == null) {
            if (before != null) {
                unset.put(path, "");
            }
            return;
        }
        if (before == null) {
            set.put(path, after);
            return;
        }
        after.forEach((name, value) -> {
            if (!before.containsKey(name) || !Objects.equals(value, before.get(name))) {
                set.put(path + "." + name, value);
            }
        });
        before.keySet().forEach(name -> {
            if (!after.containsKey(name)) {
                unset.put(path + "." + name, "");
            }
        });
    }

    /**
     * Keeps the documents smallest first, so that the largest of a batch (the month documents every batch names,
     * the most costly to read again) are the most recently used and the last to be forgotten.
     */
    private static void remember(Applier applier, List<Map.Entry<String, Document>> documents) {
        documents.sort(Comparator.comparingLong(entry -> Applier.size(entry.getValue())));
        documents.forEach(entry -> applier.remember(entry.getKey(), entry.getValue()));
    }

    /**
     * A new rollup document's revision: random, so that a document dropped with its collection and created again
     * (a rebuild's version built anew) never matches a revision an applier remembers from before.
     */
    private static long firstRevision() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 62);
    }

    private static Applier applierOf(MongoCollection<Document> rollups) {
        return APPLIERS.computeIfAbsent(rollups.getNamespace().getFullName(), n -> new Applier());
    }

    /**
     * Applies the pending differences of these documents of {@code facts} to the rollups, each at most once; leaves
     * them on the documents.
     */
    static void apply(MongoCollection<Document> rollups, MongoCollection<Document> facts, List<Document> withPending) {
        apply(rollups, facts, Due.of(withPending), applierOf(rollups));
    }

    /** {@link #apply} as another instance would: without this JVM's lock, kept documents and settled marks (tests). */
    static void applyAsAnotherInstance(
            MongoCollection<Document> rollups, MongoCollection<Document> facts, List<Document> withPending) {
        apply(rollups, facts, Due.of(withPending), new Applier());
    }

    private static void apply(
            MongoCollection<Document> rollups, MongoCollection<Document> facts, Due due, Applier applier) {
        Map<String, List<Op>> byRollup = due.byRollup;
        if (byRollup.isEmpty()) {
            return;
        }
        applier.lock.lock();
        try {
            // a few documents at a time: a 2,000-record batch names hundreds of rollup documents, the month ones
            // megabytes each with their marks, and holding all of them with their updated copies at once ran the
            // service's 256 MB heap out (bench B3, 50,000 deals). Each document's marks keep it exact on its own.
            // In _id order: a chunk's documents are neighbours in the database's tree (one kind, consecutive days or
            // months), so the pages each of the database's commits writes again hold fewer documents written at other
            // times (bench B3, 10,000 deals: the database's CPU per event 1.00 -> 0.77 ms, docs/analytics.md).
            List<String> ids = new ArrayList<>(byRollup.keySet());
            ids.sort(null);
            for (int from = 0; from < ids.size(); from += APPLY_CHUNK) {
                Map<String, List<Op>> chunk = new LinkedHashMap<>();
                ids.subList(from, Math.min(ids.size(), from + APPLY_CHUNK))
                        .forEach(id -> chunk.put(id, byRollup.get(id)));
                applyLocked(rollups, facts, chunk, applier);
            }
        } finally {
            applier.lock.unlock();
        }
    }

    private static void applyLocked(
            MongoCollection<Document> rollups,
            MongoCollection<Document> facts,
            Map<String, List<Op>> byRollup,
            Applier applier) {
        for (int attempt = 1; ; attempt++) {
            Map<Object, Document> stored = new HashMap<>();
            Set<String> unknown = new LinkedHashSet<>();
            byRollup.keySet().forEach(id -> {
                Document known = applier.known(id);
                if (known != null) {
                    stored.put(id, known);
                } else {
                    unknown.add(id);
                }
            });
            // whole documents (no projection: the embedded server projects at a cost of fields x documents), a
            // few at a time; the ones kept from this JVM's last write need no read
            List<String> toRead = new ArrayList<>(unknown);
            for (int from = 0; from < toRead.size(); from += READ_CHUNK) {
                List<String> chunk = toRead.subList(from, Math.min(toRead.size(), from + READ_CHUNK));
                rollups.find(new Document("_id", new Document("$in", new ArrayList<>(chunk))))
                        .forEach(doc -> stored.put(doc.get("_id"), doc));
            }
            // only a difference still pending on its fact is applied: one cleared was applied everywhere first, and
            // the mark it left may since have been dropped. Asked after the documents were read (or kept from this
            // JVM's last write), so a mark dropped after this answer changes the document and fails its write.
            Set<Object> stillPending = stillPending(facts, byRollup, stored);
            List<WriteModel<Document>> writes = new ArrayList<>();
            Map<String, Document> written = new LinkedHashMap<>();
            Set<String> dropping = new LinkedHashSet<>();
            long updates = 0;
            for (var entry : byRollup.entrySet()) {
                Document current = stored.get(entry.getKey());
                Document marks = current == null ? new Document() : current.get(MARKS, new Document());
                // copies: the kept document changes only once the write succeeded (the histograms' map, often the
                // larger, only when an operation names it)
                Document entries =
                        new Document(current == null ? new Document() : current.get(ENTRIES, new Document()));
                Document histogramsBefore = current == null ? new Document() : current.get(HISTOGRAMS, new Document());
                Document histograms = null;
                Document set = new Document();
                Document unset = new Document();
                Map<String, Long> newMarks = new LinkedHashMap<>();
                Set<String> touched = new LinkedHashSet<>();
                for (Op op : entry.getValue()) {
                    Object mark = marks.get(op.mark());
                    if ((mark != null && ((Number) mark).longValue() >= op.revision())
                            || !stillPending.contains(op.source())) {
                        continue;
                    }
                    newMarks.put(op.mark(), op.revision());
                    boolean histogram = op.key().startsWith(HISTOGRAM_KEY);
                    if (histogram && histograms == null) {
                        histograms = new Document(histogramsBefore);
                    }
                    Document section = histogram ? histograms : entries;
                    String key = histogram ? op.key().substring(HISTOGRAM_KEY.length()) : op.key();
                    Document figures = section.get(key, Document.class);
                    Document updated = figures == null ? new Document(op.dims()) : new Document(figures);
                    op.inc().forEach((name, change) -> {
                        Object sum = add(updated.get(name), change);
                        if (isZero(sum)) {
                            updated.remove(name);
                        } else {
                            updated.put(name, stored(sum));
                        }
                    });
                    if (updated.keySet().stream().allMatch(DIMENSIONS::contains)) {
                        section.remove(key);
                    } else {
                        section.put(key, updated);
                    }
                    touched.add(op.key());
                }
                if (newMarks.isEmpty()) {
                    continue;
                }
                Document before = current == null ? new Document() : current.get(ENTRIES, new Document());
                Document histogramsAfter = histograms == null ? histogramsBefore : histograms;
                touched.forEach(touchedKey -> {
                    boolean histogram = touchedKey.startsWith(HISTOGRAM_KEY);
                    if (histogram && histogramsAfter.isEmpty()) {
                        return; // the whole map is unset below
                    }
                    String key = histogram ? touchedKey.substring(HISTOGRAM_KEY.length()) : touchedKey;
                    changes(
                            (histogram ? HISTOGRAMS : ENTRIES) + "." + key,
                            (histogram ? histogramsBefore : before).get(key, Document.class),
                            (histogram ? histogramsAfter : entries).get(key, Document.class),
                            set,
                            unset);
                });
                if (histogramsAfter.isEmpty() && current != null && current.containsKey(HISTOGRAMS)) {
                    // no empty map left behind: the document is then the same as one that never held histograms
                    unset.put(HISTOGRAMS, "");
                }
                newMarks.forEach((mark, revision) -> set.put(MARKS + "." + mark, revision));
                Document allMarks = new Document(marks);
                allMarks.putAll(newMarks);
                // the marks of differences settled since they were applied: no longer needed (see stillPending)
                applier.settled.getOrDefault(entry.getKey(), Map.of()).forEach((mark, revision) -> {
                    Object held = marks.get(mark);
                    if (!newMarks.containsKey(mark) && held != null && ((Number) held).longValue() == revision) {
                        unset.put(MARKS + "." + mark, "");
                        allMarks.remove(mark);
                    }
                });
                dropping.add(entry.getKey());
                if (current == null) {
                    Document inserted = new Document("_id", entry.getKey())
                            .append("tenantId", entry.getValue().getFirst().tenantId())
                            .append(FactBatch.REVISION, firstRevision())
                            .append(MARKS, new Document(newMarks))
                            .append(ENTRIES, entries);
                    putHistograms(inserted, histogramsAfter);
                    writes.add(new InsertOneModel<>(inserted));
                    written.put(entry.getKey(), new Document(inserted));
                } else {
                    Object revision = current.get(FactBatch.REVISION);
                    long next = ((Number) revision).longValue() + 1;
                    set.put(FactBatch.REVISION, next);
                    Document update = new Document("$set", set);
                    if (!unset.isEmpty()) {
                        update.append("$unset", unset);
                    }
                    writes.add(new UpdateOneModel<>(
                            new Document("_id", entry.getKey()).append(FactBatch.REVISION, revision), update));
                    updates++;
                    Document after = new Document(current);
                    after.put(FactBatch.REVISION, next);
                    after.put(MARKS, allMarks);
                    after.put(ENTRIES, entries);
                    putHistograms(after, histogramsAfter);
                    written.put(entry.getKey(), after);
                }
            }
            // the documents read and not written are as stored: kept too
            List<Map.Entry<String, Document>> kept = new ArrayList<>();
            stored.forEach((id, doc) -> {
                if (!written.containsKey(id) && unknown.contains(id)) {
                    kept.add(Map.entry((String) id, doc));
                }
            });
            remember(applier, kept);
            if (writes.isEmpty()) {
                return;
            }
            boolean lostARace;
            try {
                lostARace = rollups.bulkWrite(writes, new BulkWriteOptions().ordered(false))
                                .getMatchedCount()
                        < updates;
            } catch (MongoBulkWriteException e) {
                if (e.getWriteConcernError() != null
                        || !e.getWriteErrors().stream()
                                .map(BulkWriteError::getCode)
                                .allMatch(code -> code == DUPLICATE_KEY)) {
                    byRollup.keySet().forEach(applier::forget);
                    throw e;
                }
                lostARace = true;
            } catch (RuntimeException e) {
                // unknown which writes were applied: read them again next time
                byRollup.keySet().forEach(applier::forget);
                throw e;
            }
            if (!lostARace) {
                remember(applier, new ArrayList<>(written.entrySet()));
                // dropped, or replaced by a newer difference's mark (and then settled again later, if ever)
                dropping.forEach(applier::takeSettled);
                return;
            }
            // another writer (another instance, a rebuild elsewhere) changed some of these rollups: read them again;
            // what it applied carries its mark
            byRollup.keySet().forEach(applier::forget);
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("rollups of " + rollups.getNamespace()
                        + " kept changing under this batch for " + ATTEMPTS + " attempts");
            }
        }
    }

    /**
     * The facts (by {@code _id}) whose difference named by one of these operations, not yet marked in its rollup
     * document, is still pending on the fact with that revision.
     */
    private static Set<Object> stillPending(
            MongoCollection<Document> facts, Map<String, List<Op>> byRollup, Map<Object, Document> stored) {
        Map<Object, Long> asked = new LinkedHashMap<>();
        byRollup.forEach((id, ops) -> {
            Document current = stored.get(id);
            Document marks = current == null ? new Document() : current.get(MARKS, new Document());
            for (Op op : ops) {
                Object mark = marks.get(op.mark());
                if (mark == null || ((Number) mark).longValue() < op.revision()) {
                    asked.put(op.source(), op.revision());
                }
            }
        });
        Set<Object> pending = new java.util.HashSet<>();
        if (asked.isEmpty()) {
            return pending;
        }
        List<Object> ids = new ArrayList<>(asked.keySet());
        for (int from = 0; from < ids.size(); from += PENDING_CHUNK) {
            facts.find(new Document(
                            "_id", new Document("$in", ids.subList(from, Math.min(ids.size(), from + PENDING_CHUNK)))))
                    .projection(new Document(PENDING + ".r", 1))
                    .forEach(fact -> {
                        Document due = fact.get(PENDING, Document.class);
                        Object revision = due == null ? null : due.get("r");
                        if (revision != null && ((Number) revision).longValue() == asked.get(fact.get("_id"))) {
                            pending.add(fact.get("_id"));
                        }
                    });
        }
        return pending;
    }

    // ---- values ------------------------------------------------------------------------------------------

    private static Document dims(String owner, String department, String pipeline, String currency) {
        return new Document(OWNER, owner)
                .append(DEPARTMENT, department)
                .append(PIPELINE, pipeline)
                .append(CURRENCY, currency);
    }

    private static String key(String owner, String department, String pipeline, String currency) {
        return part(owner) + "|" + part(department) + "|" + part(pipeline) + "|" + part(currency);
    }

    /** A key part: null and every string distinct, and never a {@code .} or {@code $} in a field name. */
    static String part(String value) {
        return value == null ? "-" : "=" + escape(value);
    }

    static String escape(String value) {
        return value.replace("%", "%25").replace("|", "%7C").replace(".", "%2E").replace("$", "%24");
    }

    private static BigDecimal decimal(Object value) {
        return switch (value) {
            case Decimal128 d -> d.bigDecimalValue();
            case BigDecimal b -> b;
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Number n -> new BigDecimal(n.toString());
            default -> throw new IllegalStateException("not a number: " + value.getClass());
        };
    }

    private static Object subtract(Object a, Object b) {
        return add(a, negate(b));
    }

    private static Object negate(Object value) {
        return switch (value) {
            case null -> null;
            case Long l -> -l;
            case Integer i -> -(long) i;
            default -> decimal(value).negate();
        };
    }

    private static Object add(Object a, Object b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if ((a instanceof Long || a instanceof Integer) && (b instanceof Long || b instanceof Integer)) {
            return ((Number) a).longValue() + ((Number) b).longValue();
        }
        return decimal(a).add(decimal(b));
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case null -> true;
            case Long l -> l == 0;
            case Integer i -> i == 0;
            default -> decimal(value).signum() == 0;
        };
    }

    private static Object stored(Object value) {
        return value instanceof BigDecimal b ? new Decimal128(b) : value;
    }
}
