package org.opencrm.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over java.net.http with a bearer token: what the load and the set-up send. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final String token;

    Http(String token) {
        this.token = token;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    record Answer(int status, String body, String etag) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Answer get(String url) throws IOException, InterruptedException {
        return send(request(url).GET().build());
    }

    Answer post(String url, Object body, String ifMatch) throws IOException, InterruptedException {
        var builder = request(url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (ifMatch != null) {
            builder.header("If-Match", ifMatch);
        }
        return send(builder.build());
    }

    /** The answer, or an exception naming the status when it is not 2xx. */
    static Answer ok(Answer answer) {
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("HTTP " + answer.status() + ": " + abbreviate(answer.body()));
        }
        return answer;
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.body(),
                response.headers().firstValue("ETag").orElse(null));
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
