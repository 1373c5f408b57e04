package org.opencrm.gateway.apidocs;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.opencrm.gateway.routing.RoutesProperties;
import org.opencrm.gateway.web.Problems;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API description behind the gateway: {@code /v3/api-docs} is every service's document merged
 * ({@link OpenApiMerger}), {@code /v3/api-docs/<service>} one service's, as the Swagger UI at
 * {@code /swagger-ui.html} lists them. Fetched from the services on each request: it is read rarely.
 */
@RestController
class ApiDocsController {

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final RoutesProperties routes;
    private final WebClient client;
    private final JsonMapper json;

    ApiDocsController(RoutesProperties routes, JsonMapper json) {
        this.routes = routes;
        this.client = WebClient.create();
        this.json = json;
    }

    @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<String> merged() {
        Set<String> unavailable = new HashSet<>();
        return Flux.fromIterable(routes.services().keySet())
                .flatMap(service -> fetch(service)
                        .map(doc -> Tuples.of(service, doc))
                        .onErrorResume(error -> {
                            synchronized (unavailable) {
                                unavailable.add(service);
                            }
                            return Mono.empty();
                        }))
                .collectMap(t -> t.getT1(), t -> t.getT2(), HashMap::new)
                .map(documents -> {
                    Map<String, java.util.List<String>> paths = new HashMap<>();
                    routes.services().forEach((id, service) -> paths.put(id, service.paths()));
                    return json.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(OpenApiMerger.merge(documents, paths, unavailable));
                });
    }

    @GetMapping(path = "/v3/api-docs/{service}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> one(@PathVariable String service) {
        if (!routes.services().containsKey(service)) {
            return Mono.just(problem(404, "not-found", "Not found", "No service is called " + service + "."));
        }
        return fetch(service)
                .map(doc -> {
                    // "Try it out" goes through the gateway, not to the service's own address
                    ((ObjectNode) doc).putArray("servers").addObject().put("url", "/");
                    return ResponseEntity.ok(json.writeValueAsString(doc));
                })
                .switchIfEmpty(Mono.error(new IllegalStateException("not an OpenAPI document")))
                .onErrorResume(error -> Mono.just(problem(
                        503,
                        "service-unavailable",
                        "Service unavailable",
                        "The " + service + " service did not serve its API description.")));
    }

    private ResponseEntity<String> problem(int status, String slug, String title, String detail) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("type", Problems.Type.BASE_URI + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(json.writeValueAsString(body));
    }

    private Mono<JsonNode> fetch(String service) {
        return client.get()
                .uri(routes.services().get(service).uri().resolve("/v3/api-docs"))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(FETCH_TIMEOUT)
                .map(json::readTree)
                .filter(JsonNode::isObject);
    }
}
