package org.opencrm.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user of the platform, calling the gateway over HTTP with an access token the identity app issued for the
 * demo user (its {@code /dev/token} endpoint of the local run: the same token a browser login would get).
 */
public final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String user;
    private final String token;

    private Api(String user, String token) {
        this.user = user;
        this.token = token;
    }

    /** Logs the demo user in (password {@code demo}). */
    public static Api as(String user) {
        var form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=demo";
        var res = send(HttpRequest.newBuilder(LocalPlatform.IDENTITY.resolve("/dev/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (res.status() != 200) {
            throw new IllegalStateException("identity refused " + user + ": " + res);
        }
        return new Api(user, res.json().get("access_token").asString());
    }

    /** The integration client of the demo tenant (client credentials), as a PBX or a lead source would call. */
    public static Api integration() {
        var basic = java.util.Base64.getEncoder()
                .encodeToString("crm-integration:integration-secret".getBytes(StandardCharsets.UTF_8));
        var res = send(HttpRequest.newBuilder(LocalPlatform.IDENTITY.resolve("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        if (res.status() != 200) {
            throw new IllegalStateException("identity refused the integration client: " + res);
        }
        return new Api("crm-integration", res.json().get("access_token").asString());
    }

    public String user() {
        return user;
    }

    public Reply get(String path) {
        return call("GET", path, null, Map.of());
    }

    public Reply post(String path, Object body) {
        return call("POST", path, body, Map.of());
    }

    public Reply put(String path, Object body) {
        return call("PUT", path, body, Map.of());
    }

    /** A change guarded by the ETag of the resource as it is now (read just before). */
    public Reply postIfMatch(String path, String resource, Object body) {
        return call("POST", path, body, Map.of("If-Match", get(resource).ok().header("ETag")));
    }

    public Reply putIfMatch(String path, String resource, Object body) {
        return call("PUT", path, body, Map.of("If-Match", get(resource).ok().header("ETag")));
    }

    /** One file as multipart/form-data field {@code file}. */
    public Reply upload(String path, String fileName, String contentType, byte[] content) {
        String boundary = "e2e-" + UUID.randomUUID();
        var head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        var tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        var body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Reply call(String method, String path, Object body, Map<String, String> headers) {
        var req = request(path);
        headers.forEach(req::header);
        if (body == null) {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return send(req);
    }

    /** A website form's post: no token, the form key in {@code X-Form-Key}. */
    public static Reply postLead(String formKey, Object lead) {
        return send(HttpRequest.newBuilder(LocalPlatform.GATEWAY.resolve("/api/leads"))
                .timeout(Duration.ofSeconds(20))
                .header("X-Form-Key", formKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(lead))));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(LocalPlatform.GATEWAY.resolve(path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, application/pdf, */*");
    }

    static Reply send(HttpRequest.Builder req) {
        try {
            var res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            var headers = new LinkedHashMap<String, String>();
            res.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            return new Reply(res.request().method() + " " + res.uri().getPath(), res.statusCode(), headers, res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, headers (lower-case names), body. */
    public record Reply(String call, int status, Map<String, String> headers, byte[] body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        /** This answer if it is a 2xx, else an assertion error naming the call and the problem body. */
        public Reply ok() {
            if (status / 100 != 2) {
                throw new AssertionError(call + " answered " + status + ": " + text());
            }
            return this;
        }

        @Override
        public String toString() {
            return call + " -> " + status + " " + text();
        }
    }
}
