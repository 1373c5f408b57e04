package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencrm.events.deals.DealDocumentGenerated;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventJson;

/** Pipelines: the default one, a department's own, stage edits that keep or move deals, documents on entry. */
class PipelineTest extends DealsTestSupport {

    @Test
    void aTenantWithoutPipelinesGetsTheDefaultOne() {
        String tenant = newTenant();
        var pipelines = get("/api/pipelines", manager(tenant, "m1", "sales"));

        assertThat(pipelines.statusCode()).isEqualTo(200);
        List<String> keys = JsonPath.read(pipelines.body(), "$[0].stages[*].key");
        assertThat(keys).containsExactly("first-call", "qualified", "proposal", "negotiation", "won", "lost");
        assertThat(JsonPath.<List<Object>>read(pipelines.body(), "$[*]")).hasSize(1);
        assertThat(post("/api/pipelines", manager(tenant, "m1", "sales"), pipeline("Mine", "sales", ""))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void renamingKeepsDealsRemovingAnOccupiedStageNeedsATargetAndAStageTemplateRendersOnEntry() {
        String tenant = newTenant();
        String admin = admin(tenant);
        var template = post(
                "/api/document-templates",
                admin,
                "{\"kind\": \"CONTRACT\", \"name\": \"Contract\", \"html\": \"<p>Contract for {{deal.title}}</p>\"}");
        String templateId = read(template, "$.id");
        var created = post("/api/pipelines", admin, pipeline("Windows", "sales", templateId));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String pipelineId = read(created, "$.id");
        String token = manager(tenant, "m1", "sales");
        var deal = post("/api/deals", token, "{\"title\": \"Bay window\"}");
        String dealId = read(deal, "$.id");
        assertThat(read(deal, "$.pipelineId").toString()).isEqualTo(pipelineId);
        assertThat(read(deal, "$.stage").toString()).isEqualTo("new");
        var measured =
                send("POST", "/api/deals/" + dealId + "/stage", token, "{\"stage\": \"measurement\"}", etag(deal));
        assertThat(measured.statusCode()).isEqualTo(200);

        String withoutMeasurement = """
                {"name": "Windows", "departmentId": "sales", "defaultForDepartment": true, "stages": [
                  {"key": "new", "name": "New request", "probability": 10, "kind": "OPEN"},
                  {"key": "payment", "name": "Payment", "probability": 80, "kind": "OPEN", "templateId": "%s"},
                  {"key": "won", "name": "Won", "probability": 100, "kind": "WON"},
                  {"key": "lost", "name": "Lost", "probability": 0, "kind": "LOST"}]%s}
                """;
        var refused = send(
                "PUT",
                "/api/pipelines/" + pipelineId,
                admin,
                withoutMeasurement.formatted(templateId, ""),
                etag(created));
        var moved = send(
                "PUT",
                "/api/pipelines/" + pipelineId,
                admin,
                withoutMeasurement.formatted(
                        templateId, ", \"stageMoves\": [{\"from\": \"measurement\", \"to\": \"payment\"}]"),
                etag(created));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("measurement");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        var after = get("/api/deals/" + dealId, token);
        assertThat(read(after, "$.stage").toString()).isEqualTo("payment");
        assertThat(read(after, "$.stageName").toString()).isEqualTo("Payment");
        // Renamed stage "new" -> "New request" still names the board's first column.
        var board = get("/api/pipelines/" + pipelineId + "/board", token);
        assertThat(JsonPath.<String>read(board.body(), "$.stages[0].name")).isEqualTo("New request");
        assertThat(JsonPath.<Integer>read(board.body(), "$.stages[1].count")).isEqualTo(1);
        // A deal moved into the stage by a user gets the stage's contract rendered on entry.
        var second = post("/api/deals", token, "{\"title\": \"Skylight\"}");
        String secondId = read(second, "$.id");
        var paid = send("POST", "/api/deals/" + secondId + "/stage", token, "{\"stage\": \"payment\"}", etag(second));
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        try (var events = dealEvents()) {
            var changes = events.await(ofDeal(dealId, "DealStageChanged"), 2, Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.read(r.value(), DealStageChanged.class))
                    .toList();
            assertThat(changes.get(1).fromStage()).isEqualTo("measurement");
            assertThat(changes.get(1).toStage()).isEqualTo("payment");
            assertThat(changes.get(1).toStagePosition()).isEqualTo(1);
            var rendered = EventJson.read(
                    events.await(ofDeal(secondId, "DealDocumentGenerated"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealDocumentGenerated.class);
            assertThat(rendered.stage()).isEqualTo("payment");
            assertThat(rendered.templateId()).isEqualTo(templateId);
        }
        assertThat(JsonPath.<List<Object>>read(
                        get("/api/deals/" + secondId + "/documents", token).body(), "$[*]"))
                .hasSize(1);
    }

    static String pipeline(String name, String department, String templateId) {
        return """
                {"name": "%s", "departmentId": "%s", "defaultForDepartment": true, "stages": [
                  {"key": "new", "name": "New", "probability": 10, "kind": "OPEN", "slaHours": 1},
                  {"key": "measurement", "name": "Measurement", "probability": 40, "kind": "OPEN", "idleAfterDays": 3},
                  {"key": "payment", "name": "Payment", "probability": 80, "kind": "OPEN", "templateId": "%s"},
                  {"key": "won", "name": "Won", "probability": 100, "kind": "WON"},
                  {"key": "lost", "name": "Lost", "probability": 0, "kind": "LOST"}]}
                """.formatted(name, department, templateId);
    }
}
