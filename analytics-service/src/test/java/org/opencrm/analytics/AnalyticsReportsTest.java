package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The reports on the real broker and database, fed with the scripted month of {@link Scenario}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class AnalyticsReportsTest extends AnalyticsTestSupport {

    @Autowired
    MongoTemplate mongo;

    @Test
    void aScriptedMonthGivesExactlyTheExpectedFigures() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String admin = admin(scenario.tenant);

        ScenarioFigures.assertFunnel(report("/api/analytics/funnel?" + MARCH, admin));
        ScenarioFigures.assertDeals(report("/api/analytics/deals?" + MARCH, admin));
        ScenarioFigures.assertSources(report("/api/analytics/sources?" + MARCH, admin));
        ScenarioFigures.assertActivity(report("/api/analytics/activity?" + MARCH, admin));
        ScenarioFigures.assertAppeals(report("/api/analytics/appeals?" + MARCH, admin));
        ScenarioFigures.assertPipelineOnMarch5(
                report("/api/analytics/pipeline-as-of?date=2026-03-05&timeZone=UTC", admin));
    }

    @Test
    void periodsSplitByGranularityInTheCallersTimeZone() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String admin = admin(scenario.tenant);

        // D1 was won on 6 March 09:10 UTC and D2 lost on 6 March 10:10 UTC; in Tokyo (UTC+9) that is the 6th too,
        // but in Honolulu (UTC-10) the 5th (ISO week 10) and 6th (still week 10).
        var daily = report(
                "/api/analytics/deals?" + "from=2026-03-01&to=2026-03-31&granularity=day&timeZone=Pacific/Honolulu",
                admin);
        assertThat(values(daily, "period")).containsExactly("2026-03-05", "2026-03-06");
        assertThat(row(daily, Map.of("period", "2026-03-05")).get("won").asLong())
                .isEqualTo(1);
        assertThat(row(daily, Map.of("period", "2026-03-06")).get("lost").asLong())
                .isEqualTo(1);

        var weekly = report("/api/analytics/appeals?from=2026-03-01&to=2026-03-31&granularity=week", admin);
        // 12 and 13 March fall in ISO week 11, 14 March (a Saturday) too
        assertThat(values(weekly, "period")).containsOnly("2026-W11");

        var monthly = report("/api/analytics/activity?from=2026-03-01&to=2026-04-30&granularity=month", admin);
        assertThat(values(monthly, "period")).containsOnly("2026-03");
        ScenarioFigures.assertRep(monthly, "m1", 2, 2, 1, 2, 1, "0.5", 2, 2_400);

        var beforeTheScenario = report("/api/analytics/deals?from=2026-02-01&to=2026-02-28", admin);
        assertThat(beforeTheScenario.get("rows")).isEmpty();
    }

    @Test
    void aManagerAskingForAnotherRepsActivityGetsOnlyTheirOwn() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String m1 = TestJwts.user("m1")
                .tenant(scenario.tenant)
                .departments("d1")
                .roles("MANAGER")
                .mint();

        var asked = report("/api/analytics/activity?" + MARCH + "&ownerId=m2", m1);
        assertThat(values(asked, "userId")).containsExactly("m1");
        ScenarioFigures.assertRep(asked, "m1", 2, 2, 1, 2, 1, "0.5", 2, 2_400);

        var deals = report("/api/analytics/deals?" + MARCH + "&ownerId=m3", m1);
        assertThat(deals.get("rows").get(0).get("won").asLong()).isEqualTo(1);
        assertThat(deals.get("open").get("deals").asLong()).isZero();
        var sources = report("/api/analytics/sources?" + MARCH, m1);
        assertThat(values(sources, "source")).containsExactly("website");
        assertThat(row(sources, Map.of("source", "website")).get("leads").asLong())
                .isEqualTo(2);
    }

    @Test
    void headsAndAnalystsSeeTheirDepartmentsAndOtherTenantsSeeNothing() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String headOfD1 = TestJwts.user("h1")
                .tenant(scenario.tenant)
                .departments("d1")
                .roles("HEAD")
                .mint();
        String analystOfD2 = TestJwts.user("a2")
                .tenant(scenario.tenant)
                .departments("d2")
                .roles("ANALYST")
                .mint();

        assertThat(values(report("/api/analytics/activity?" + MARCH, headOfD1), "userId"))
                .containsExactly("m1", "m2");
        assertThat(values(report("/api/analytics/activity?" + MARCH, analystOfD2), "userId"))
                .containsExactly("m3");
        var openOfD2 = report("/api/analytics/deals?" + MARCH, analystOfD2).get("open");
        assertThat(openOfD2.get("deals").asLong()).isEqualTo(1);
        assertThat(openOfD2.get("value").get("EUR").decimalValue()).isEqualByComparingTo("2500.00");
        assertThat(values(report("/api/analytics/appeals?" + MARCH, headOfD1), "topic"))
                .containsExactly("delivery");

        String stranger = admin("tenant-of-someone-else");
        assertThat(report("/api/analytics/funnel?" + MARCH, stranger).get("rows"))
                .isEmpty();
        assertThat(report("/api/analytics/activity?" + MARCH, stranger).get("rows"))
                .isEmpty();
    }

    @Test
    void everyReportIsAlsoCsv() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String admin = admin(scenario.tenant);

        var funnel = get("/api/analytics/funnel?" + MARCH, admin, "text/csv");
        assertThat(funnel.statusCode()).isEqualTo(200);
        assertThat(funnel.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        var lines = funnel.body().split("\r\n");
        assertThat(lines[0])
                .isEqualTo("period,pipelineId,stage,stageKind,position,entered,movedForward,lost,won,"
                        + "conversionToNext,conversionToWon,exits,averageSecondsInStage,medianSecondsInStage");
        assertThat(lines[1]).isEqualTo("2026-03-01/2026-03-31,p1,new,OPEN,0,4,3,0,1,0.7500,0.2500,3,86400.0,86400.0");
        assertThat(lines).hasSize(6);

        var deals =
                get("/api/analytics/deals?" + MARCH, admin, "text/csv").body().split("\r\n");
        assertThat(deals[0])
                .isEqualTo("period,won,lost,winRate,averageSalesCycleDays,wonAmount.EUR,lostAmount.EUR,"
                        + "openDeals,openValue.EUR,weightedForecast.EUR");
        assertThat(deals[1]).isEqualTo("2026-03-01/2026-03-31,1,1,0.5000,4.00,1000.00,500.00,2,2800.00,1030.00");

        var sources =
                get("/api/analytics/sources?" + MARCH, admin, "text/csv").body().split("\r\n");
        assertThat(sources[0]).isEqualTo("period,source,leads,deals,won,leadToDeal,conversion,revenue.EUR");
        assertThat(sources).contains("2026-03-01/2026-03-31,website,3,2,1,0.6667,0.3333,1000.00");

        var activity = get("/api/analytics/activity?" + MARCH, admin, "text/csv")
                .body()
                .split("\r\n");
        assertThat(activity).contains("2026-03-01/2026-03-31,m1,2,2,1,2,1,0.5000,2,2400.0,2400.0");

        var appeals =
                get("/api/analytics/appeals?" + MARCH, admin, "text/csv").body().split("\r\n");
        assertThat(appeals)
                .containsExactly(
                        "period,topic,appeals", "2026-03-01/2026-03-31,delivery,2", "2026-03-01/2026-03-31,pricing,1");

        var pipeline = get("/api/analytics/pipeline-as-of?date=2026-03-05", admin, "text/csv")
                .body()
                .split("\r\n");
        assertThat(pipeline)
                .containsExactly(
                        "date,pipelineId,stage,stageKind,position,deals,value.EUR,weightedForecast.EUR",
                        "2026-03-05,p1,measure,OPEN,1,2,2500.00,1000.00",
                        "2026-03-05,p1,approval,OPEN,2,1,1000.00,700.00");
    }

    @Test
    void noStoredAnalyticsDocumentHoldsANameAPhoneAnEmailOrAClientId() {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();

        List<String> personalData = new ArrayList<>(List.of(
                Scenario.CLIENT_NAME,
                "Schmidt",
                Scenario.CLIENT_PHONE,
                "1234567",
                Scenario.CLIENT_EMAIL,
                Scenario.CLIENT_ADDRESS,
                "Lindenstrasse",
                Scenario.MEMBER_NAME,
                Scenario.MEMBER_EMAIL,
                Scenario.MEMBER_PHONE));
        personalData.addAll(scenario.contactIds());
        long scanned = 0;
        for (String collection : mongo.getCollectionNames()) {
            for (Document document : mongo.getCollection(collection).find()) {
                String json = document.toJson();
                for (String value : personalData) {
                    assertThat(json).as("document of %s", collection).doesNotContainIgnoringCase(value);
                }
                scanned++;
            }
        }
        assertThat(scanned).as("documents scanned").isGreaterThan(30);
        assertThat(mongo.getCollectionNames()).anyMatch(name -> name.startsWith("deal_facts_v"));
    }

    @Test
    void badParametersAreNamedAndOnlyAdministratorsRebuild() throws Exception {
        String admin = admin("tenant-params");
        var bad = get(
                "/api/analytics/funnel?from=yesterday&timeZone=Mars/Olympus&granularity=hourly",
                admin,
                "application/json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).get("errors").toString()).contains("from", "timeZone", "granularity");
        var reversed = get("/api/analytics/deals?from=2026-03-31&to=2026-03-01", admin, "application/json");
        assertThat(reversed.statusCode()).isEqualTo(400);
        var noDate = get("/api/analytics/pipeline-as-of", admin, "application/json");
        assertThat(noDate.statusCode()).isEqualTo(400);
        var injection = get("/api/analytics/deals?ownerId=%7B%22%24ne%22%3A%22%22%7D", admin, "application/json");
        assertThat(injection.statusCode()).isEqualTo(200);
        assertThat(json(injection.body()).get("open").get("deals").asLong()).isZero();

        String manager =
                TestJwts.user("m1").tenant("tenant-params").roles("MANAGER").mint();
        assertThat(post("/api/analytics/rebuild", manager).statusCode()).isEqualTo(403);
        assertThat(get("/api/analytics/rebuild", manager, "application/json").statusCode())
                .isEqualTo(403);
    }
}
