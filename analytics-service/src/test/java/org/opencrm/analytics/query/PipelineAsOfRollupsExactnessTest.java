package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The pipeline-as-of report's rollups against the facts they are kept from: random deal histories in which deals
 * move between stages, owners and departments, change amounts, close, reopen and close again, every event
 * delivered twice in any order (a deal's newer revision before its older one) and by two writers at once: the
 * pipeline at the end of each date tried, from the rollups, equals the one replayed from the history facts of one
 * ordered pass, for every scope, filter and time zone tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class PipelineAsOfRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    PipelineAsOfQuery pipeline;

    @Autowired
    MongoTemplate mongo;

    @Test
    void rollupsGiveThePipelineOfThePastWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = DealHistories.random(tenant, 80, new Random(13));
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 5, 6);

        List<AnalyticsScope> scopes = new ArrayList<>(ReportCases.scopes(tenant));
        scopes.add(ReportCases.headOfD2(tenant));
        List<LocalDate> dates = List.of(
                LocalDate.parse("2026-02-28"),
                LocalDate.parse("2026-03-07"),
                LocalDate.parse("2026-03-31"),
                LocalDate.parse("2026-04-17"),
                LocalDate.parse("2026-05-31"));
        List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("Pacific/Auckland"));

        long deals = 0;
        long closed = 0;

        for (var scope : scopes) {
            for (var date : dates) {
                for (var zone : zones) {
                    var expected = exactness.assertRollupsGiveTheFacts(
                            scope + " " + date + " " + zone,
                            v -> pipeline.fromFacts(v, scope, date, zone),
                            v -> pipeline.fromRollups(v, scope, date, zone));
                    for (var row : expected.rows()) {
                        deals += row.deals();
                        closed += "OPEN".equals(row.stageKind()) ? 0 : row.deals();
                    }
                }
            }
        }
        assertThat(deals).as("the histories have deals on the dates").isGreaterThan(300);
        assertThat(closed).as("some of them closed").isGreaterThan(60);
    }

    @Test
    void aReportForOnePipelineReadsNoDocumentOfAnother() {
        String tenant = "tenant-" + UUID.randomUUID();
        var exactness = RollupExactness.prepare(writer, indexes, DealHistories.random(tenant, 40, new Random(29)));
        var version = exactness.reference();
        // every p1 document gets an entry claiming p2: a p2 report that read a p1 document would show its stage
        var p1Documents = new Document(
                "_id", new Document("$regex", "^" + java.util.regex.Pattern.quote(tenant) + "\\|asof-.*\\|=p1$"));
        var planted = new Document(DealRollups.PIPELINE, "p2")
                .append(DealRollups.STAGE, "planted")
                .append(DealRollups.STAGE_KIND, "OPEN")
                .append(DealRollups.POSITION, 9)
                .append(DealRollups.DEALS, 1_000L)
                .append(DealRollups.HOUR, Date.from(Instant.parse("2026-01-01T00:00:00Z")));
        long p1 = mongo.getCollection(version.rollups())
                .updateMany(
                        p1Documents,
                        new Document("$set", new Document(DealRollups.ENTRIES + ".1767225600|planted", planted)))
                .getModifiedCount();
        assertThat(p1).as("p1's month, day and hour documents").isGreaterThan(30);

        var p2 =
                ReportCases.scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, "p2", null));
        var everything =
                ReportCases.scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), ReportCases.EVERYTHING);
        for (var date : List.of(LocalDate.parse("2026-03-31"), LocalDate.parse("2026-04-17"))) {
            for (var zone : List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"))) {
                assertThat(pipeline.fromRollups(version, p2, date, zone))
                        .as("p2 on %s in %s", date, zone)
                        .isEqualTo(pipeline.fromFacts(version, p2, date, zone));
                assertThat(pipeline.fromRollups(version, everything, date, zone).rows())
                        .as("unfiltered, every pipeline's documents are read, the planted entries with them")
                        .anySatisfy(row -> assertThat(row.stage()).isEqualTo("planted"));
            }
        }
    }
}
