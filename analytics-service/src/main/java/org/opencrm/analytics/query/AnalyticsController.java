package org.opencrm.analytics.query;

import java.time.Clock;
import org.opencrm.analytics.AnalyticsProperties;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionPointer;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ProblemType;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reports. Each answers JSON, or CSV with {@code Accept: text/csv}, from the current projection version;
 * a running rebuild does not disturb them. The caller's token decides the tenant and whose figures count.
 */
@RestController
@RequestMapping(
        path = "/api/analytics",
        produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
class AnalyticsController {

    private final ProjectionPointer pointer;
    private final AnalyticsProperties properties;
    private final FunnelQuery funnel;
    private final DealsQuery deals;
    private final ActivityQuery activity;
    private final SourcesQuery sources;
    private final AppealsQuery appeals;
    private final PipelineAsOfQuery pipelineAsOf;
    private final Clock clock = Clock.systemUTC();

    AnalyticsController(
            ProjectionPointer pointer,
            AnalyticsProperties properties,
            FunnelQuery funnel,
            DealsQuery deals,
            ActivityQuery activity,
            SourcesQuery sources,
            AppealsQuery appeals,
            PipelineAsOfQuery pipelineAsOf) {
        this.pointer = pointer;
        this.properties = properties;
        this.funnel = funnel;
        this.deals = deals;
        this.activity = activity;
        this.sources = sources;
        this.appeals = appeals;
        this.pipelineAsOf = pipelineAsOf;
    }

    @GetMapping("/funnel")
    FunnelReport funnel(ReportParameters parameters, CurrentUser user) {
        var window = window(parameters);
        return funnel.run(readable(), scope(user, parameters), window);
    }

    @GetMapping("/deals")
    DealsReport deals(ReportParameters parameters, CurrentUser user) {
        var window = window(parameters);
        return deals.run(readable(), scope(user, parameters), window);
    }

    @GetMapping("/activity")
    ActivityReport activity(ReportParameters parameters, CurrentUser user) {
        var window = window(parameters);
        return activity.run(readable(), scope(user, parameters), window);
    }

    @GetMapping("/sources")
    SourcesReport sources(ReportParameters parameters, CurrentUser user) {
        var window = window(parameters);
        return sources.run(readable(), scope(user, parameters), window);
    }

    @GetMapping("/appeals")
    AppealsReport appeals(ReportParameters parameters, CurrentUser user) {
        var window = window(parameters);
        return appeals.run(readable(), scope(user, parameters), window);
    }

    @GetMapping("/pipeline-as-of")
    PipelineAsOfReport pipelineAsOf(ReportParameters parameters, CurrentUser user) {
        var asOf = parameters.asOf();
        return pipelineAsOf.run(readable(), scope(user, parameters), asOf.date(), asOf.zone());
    }

    /**
     * The current projection version, if this code can read it: after an upgrade that changed the rollups' layout
     * ({@link ProjectionPointer#FORMAT}) until a rebuild, a 503 problem saying so rather than figures read from
     * documents this code no longer writes (too low, with nothing to show it).
     */
    private ProjectionCollections readable() {
        return pointer.readable().orElseThrow(() -> {
            var problem = ProblemType.SERVICE_UNAVAILABLE.problem("The analytics projection was built by an earlier"
                    + " version of the service, whose figures this version cannot read; an administrator rebuilds it"
                    + " with POST /api/analytics/rebuild (progress: GET /api/analytics/rebuild), after which the"
                    + " reports answer again.");
            problem.setProperty("rebuild", "/api/analytics/rebuild");
            return new ErrorResponseException(ProblemType.SERVICE_UNAVAILABLE.status(), problem, null);
        });
    }

    private QueryWindow window(ReportParameters parameters) {
        return parameters.window(clock, properties.maxPeriodDays());
    }

    private static AnalyticsScope scope(CurrentUser user, ReportParameters parameters) {
        return AnalyticsScope.of(user, parameters.filters());
    }
}
