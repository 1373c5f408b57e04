package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.analytics.query.ReportCases.scope;
import static org.opencrm.analytics.query.ReportCases.window;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.ActivityHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.FirstResponses;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The activity report's rollups against the facts they are kept from: random calls (telephony, logged, both;
 * missed inbound ones), history entries, tasks (due dates moved, reassigned, gone overdue and escalated, done on
 * time or late, cancelled) and leads of merged and unmerged clients, every event delivered twice in any order and
 * by two writers at once: the report from the rollups equals the report aggregated from the facts of one ordered
 * pass, for every scope, filter, time zone, granularity and "now" tried (a "now" in the middle of an hour, the
 * period and a task's due hour; on the hour; after everything).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class ActivityRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    ActivityQuery activity;

    @Test
    void rollupsGiveTheFactsActivityWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = ActivityHistories.random(tenant, 150, new Random(17));
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 5, 6);

        // activities have no pipeline: the usual scopes but for the pipeline filter, and d1 filtered for
        List<AnalyticsScope> scopes = List.of(
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), ReportCases.EVERYTHING),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters("d1", null, null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m3")),
                scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m4", Set.of("d1"), ReportCases.EVERYTHING),
                ReportCases.headOfD2(tenant),
                scope(tenant, AnalyticsScope.Kind.OWN, "m2", Set.of("d1"), new Filters(null, null, "m1")),
                scope(tenant, AnalyticsScope.Kind.NONE, "x", Set.of(), ReportCases.EVERYTHING),
                scope("another-" + tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), ReportCases.EVERYTHING));
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-04-30", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-20", "2026-04-30", "America/New_York", Granularity.MONTH),
                window("2026-04-10", "2026-04-10", "Pacific/Auckland", Granularity.DAY),
                window("2026-04-10", "2026-04-11", "UTC", Granularity.DAY));
        // every scope and window at a "now" inside a task's due hour; the whole period and the day of "now" also on
        // the hour and after everything
        var onTheHour = ActivityHistories.NOW.truncatedTo(ChronoUnit.HOURS);
        var afterwards = Instant.parse("2026-06-01T00:00:00Z");
        List<Query> queries = new ArrayList<>();
        for (var scope : scopes) {
            for (var window : windows) {
                queries.add(new Query(scope, window, ActivityHistories.NOW));
            }
            for (var now : List.of(onTheHour, afterwards)) {
                queries.add(new Query(scope, windows.get(0), now));
                queries.add(new Query(scope, windows.get(5), now));
            }
        }

        long calls = 0;
        long interactions = 0;
        long completed = 0;
        long due = 0;
        long late = 0;
        long responded = 0;
        long quickly = 0;
        for (var query : queries) {
            var expected = exactness.assertRollupsGiveTheFacts(
                    query,
                    v -> activity.fromFacts(v, query.scope(), query.window(), query.now()),
                    v -> activity.fromRollups(v, query.scope(), query.window(), query.now()));
            for (var row : expected.rows()) {
                calls += row.calls();
                interactions += row.interactions();
                completed += row.tasksCompleted();
                due += row.tasksDue();
                late += row.tasksOverdue();
                responded += row.leadsResponded();
                if (row.medianFirstResponseSeconds() != null && row.medianFirstResponseSeconds() < 4096) {
                    quickly++;
                }
            }
        }
        assertThat(events.stream()
                        .filter(event -> event instanceof TaskCreated task
                                && !task.dueAt().isBefore(onTheHour)
                                && task.dueAt().isBefore(ActivityHistories.NOW)))
                .as("tasks due in the hour of \"now\" before it")
                .isNotEmpty();
        assertThat(events.stream()
                        .filter(event -> event instanceof TaskCreated task
                                && !task.dueAt().isBefore(ActivityHistories.NOW)
                                && task.dueAt().isBefore(onTheHour.plus(1, ChronoUnit.HOURS))))
                .as("and after it")
                .isNotEmpty();
        assertThat(calls).as("the histories make calls in the windows").isGreaterThan(300);
        assertThat(responded).as("leads responded to").isGreaterThan(100);
        assertThat(quickly).as("within 4,096 s, where the median is exact").isGreaterThan(20);
        assertThat(interactions).as("log history entries").isGreaterThan(300);
        assertThat(completed).as("complete tasks").isGreaterThan(200);
        assertThat(due).as("have tasks due").isGreaterThan(300);
        assertThat(late).as("some of them late").isGreaterThan(100);
    }

    @Test
    void firstResponseDurationsAreKeptExactBelow4096SecondsAndWithin005PercentAbove() {
        for (long seconds = 0; seconds < 4096; seconds++) {
            assertThat(FirstResponses.bucket(seconds)).isEqualTo(seconds);
        }
        var random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            long seconds = 4096 + (long) Math.floor(Math.exp(random.nextDouble() * Math.log(1e9)));
            long bucket = FirstResponses.bucket(seconds);
            // the bucket's values are [bucket, next bucket): their mean is at most (width - 1) off any of them
            long width = 1L << (63 - Long.numberOfLeadingZeros(seconds) - 11);
            assertThat(bucket).isLessThanOrEqualTo(seconds);
            assertThat(seconds - bucket).isLessThan(width);
            assertThat((double) (width - 1) / seconds).isLessThanOrEqualTo(0.0005);
        }
    }

    private record Query(AnalyticsScope scope, QueryWindow window, Instant now) {}
}
