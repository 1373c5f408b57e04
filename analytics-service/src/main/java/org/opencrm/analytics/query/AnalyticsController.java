package org.opencrm.analytics.query;

import java.time.Clock;
import org.opencrm.analytics.AnalyticsProperties;
import org.opencrm.analytics.projection.ProjectionPointer;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.http.MediaType;
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
        return funnel.run(pointer.current(), scope(user, parameters), window(parameters));
    }

    @GetMapping("/deals")
    DealsReport deals(ReportParameters parameters, CurrentUser user) {
        return deals.run(pointer.current(), scope(user, parameters), window(parameters));
    }

    @GetMapping("/activity")
    ActivityReport activity(ReportParameters parameters, CurrentUser user) {
        return activity.run(pointer.current(), scope(user, parameters), window(parameters));
    }

    @GetMapping("/sources")
    SourcesReport sources(ReportParameters parameters, CurrentUser user) {
        return sources.run(pointer.current(), scope(user, parameters), window(parameters));
    }

    @GetMapping("/appeals")
    AppealsReport appeals(ReportParameters parameters, CurrentUser user) {
        return appeals.run(pointer.current(), scope(user, parameters), window(parameters));
    }

    @GetMapping("/pipeline-as-of")
    PipelineAsOfReport pipelineAsOf(ReportParameters parameters, CurrentUser user) {
        var asOf = parameters.asOf();
        return pipelineAsOf.run(pointer.current(), scope(user, parameters), asOf.date(), asOf.zone());
    }

    private QueryWindow window(ReportParameters parameters) {
        return parameters.window(clock, properties.maxPeriodDays());
    }

    private static AnalyticsScope scope(CurrentUser user, ReportParameters parameters) {
        return AnalyticsScope.of(user, parameters.filters());
    }
}
