package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ApiDocsTest extends GatewayTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @AfterEach
    void forgetDocuments() {
        SERVICES.values().forEach(service -> service.apiDocs("{}"));
    }

    @Test
    void theMergedDocumentHoldsEveryServicesRoutedPathsWithClashingSchemasRenamed() {
        SERVICES.get("contacts")
                .apiDocs(doc(
                        "/api/contacts/{id}",
                        "Contact",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}",
                        "Money",
                        "{\"type\":\"string\"}"));
        SERVICES.get("deals")
                .apiDocs(doc(
                        "/api/deals/{id}",
                        "Deal",
                        "{\"type\":\"object\",\"properties\":{\"amount\":{\"$ref\":\"#/components/schemas/Money\"}}}",
                        "Money",
                        "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"number\"}}}"));
        SERVICES.get("tasks")
                .apiDocs(doc("/internal/debug", "Task", "{\"type\":\"object\"}", "Money", "{\"type\":\"string\"}"));
        SERVICES.get("analytics").stop();
        try {
            var response = get("/v3/api-docs", null);

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode merged = JSON.readTree(response.body());
            assertThat(merged.path("paths").propertyNames()).containsExactly("/api/contacts/{id}", "/api/deals/{id}");
            JsonNode schemas = merged.path("components").path("schemas");
            assertThat(schemas.propertyNames()).containsExactly("Contact", "Deal", "DealsMoney", "Money", "Task");
            assertThat(schemas.path("Money").path("type").asString()).isEqualTo("string");
            assertThat(schemas.path("Deal")
                            .path("properties")
                            .path("amount")
                            .path("$ref")
                            .asString())
                    .isEqualTo("#/components/schemas/DealsMoney");
            assertThat(merged.path("x-crm-unrouted").path("tasks").get(0).asString())
                    .isEqualTo("/internal/debug");
            assertThat(merged.path("x-crm-unavailable").get(0).asString()).isEqualTo("analytics");
            assertThat(merged.path("components")
                            .path("securitySchemes")
                            .path("bearerAuth")
                            .path("scheme")
                            .asString())
                    .isEqualTo("bearer");
        } finally {
            SERVICES.get("analytics").start();
        }
    }

    @Test
    void eachServicesDocumentAndTheSwaggerUiAreServedWithoutAToken() {
        SERVICES.get("deals").apiDocs(doc("/api/deals/{id}", "Deal", "{\"type\":\"object\"}", "Money", "{}"));

        var deals = get("/v3/api-docs/deals", null);
        var config = get("/springdoc/api-docs/swagger-config", null);
        var ui = get("/swagger-ui/index.html", null);

        assertThat(deals.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deals.body())
                        .path("servers")
                        .get(0)
                        .path("url")
                        .asString())
                .isEqualTo("/");
        assertThat(config.statusCode()).isEqualTo(200);
        // the UI lists the merged document first and then every service behind the gateway
        assertThat(config.body()).contains("\"urls.primaryName\":\"all services\"");
        JsonNode urls = JSON.readTree(config.body()).path("urls");
        assertThat(urls.get(0).path("url").asString()).isEqualTo("/v3/api-docs");
        assertThat(urls.findValuesAsString("url"))
                .containsAll(SERVICES.keySet().stream()
                        .map(id -> "/v3/api-docs/" + id)
                        .toList());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(get("/v3/api-docs/nothing", null).statusCode()).isEqualTo(404);
    }

    private static String doc(String path, String schema, String definition, String shared, String sharedDefinition) {
        return JSON.writeValueAsString(Map.of(
                "openapi", "3.1.0",
                "info", Map.of("title", "stand-in", "version", "v1"),
                "servers", new Object[] {Map.of("url", "http://127.0.0.1:1")},
                "paths", Map.of(path, Map.of("get", Map.of("responses", Map.of("200", Map.of("description", "ok"))))),
                "components",
                        Map.of(
                                "schemas",
                                Map.of(schema, JSON.readTree(definition), shared, JSON.readTree(sharedDefinition)))));
    }
}
