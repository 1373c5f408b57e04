package org.opencrm.analytics.query;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/** The scopes and windows the rollup exactness tests ask their reports for. */
final class ReportCases {

    static final Filters EVERYTHING = new Filters(null, null, null);

    private ReportCases() {}

    /**
     * A tenant's administrator unfiltered and filtered by department d2, pipeline p2 and owner m3; a head of d1
     * outside it; a rep filtering for a colleague; someone who sees nothing; another tenant's administrator.
     */
    static List<AnalyticsScope> scopes(String tenant) {
        return List.of(
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), EVERYTHING),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters("d2", null, null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, "p2", null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m3")),
                scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m4", Set.of("d1"), EVERYTHING),
                scope(tenant, AnalyticsScope.Kind.OWN, "m2", Set.of("d1"), new Filters(null, null, "m1")),
                scope(tenant, AnalyticsScope.Kind.NONE, "x", Set.of(), EVERYTHING),
                scope("another-" + tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), EVERYTHING));
    }

    /** A head of d2 filtering for d2: the scope the sources, pipeline and activity tests add to {@link #scopes}. */
    static AnalyticsScope headOfD2(String tenant) {
        return scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m1", Set.of("d2"), new Filters("d2", null, null));
    }

    static AnalyticsScope scope(
            String tenant, AnalyticsScope.Kind kind, String user, Set<String> departments, Filters filters) {
        return new AnalyticsScope(tenant, kind, user, departments, filters);
    }

    static QueryWindow window(String from, String to, String zone, Granularity granularity) {
        return new QueryWindow(LocalDate.parse(from), LocalDate.parse(to), ZoneId.of(zone), granularity);
    }
}
