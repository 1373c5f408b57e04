import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The walk-through company of PRODUCT.md (a window installer), loaded through the gateway's public API with
 * the demo admin's token from the identity app, after {@code platform up} saw everything ready.
 *
 * <p>Idempotent: each piece is looked up by its id or name first and only created when missing, so a second
 * {@code up} adds nothing and keeps what a user changed. Time-dependent rules use demo durations (the call-back
 * is due 30 seconds after the lead, not 15 minutes) so the escalation can be watched, and tested, in a minute.
 *
 * <p>JDK only (it runs from a jar of its own, compiled by the launcher): a small JSON reader and writer are
 * at the bottom.
 *
 * <pre>java -cp DemoData.jar DemoData --gateway http://127.0.0.1:8080 --identity http://127.0.0.1:9000 --out DIR</pre>
 *
 * {@code DIR/website-form-key} receives the website form's key (shown by the API only once, at creation).
 */
public final class DemoData {

    static final String SALES = "sales";
    static final String FIELD = "field-service";
    static final String PIPELINE = "Windows";
    static final String TEMPLATE = "Invoice (windows)";
    static final String FORM = "Website";
    static final String MAIL_DOMAIN = "demo.local";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private String token;

    private DemoData(String gateway) {
        this.gateway = gateway;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        String gateway = opts.getOrDefault("--gateway", "http://127.0.0.1:8080");
        String identity = opts.getOrDefault("--identity", "http://127.0.0.1:9000");
        Path out = Path.of(opts.getOrDefault("--out", ".local/demo"));
        var demo = new DemoData(gateway);
        demo.token = demo.devToken(identity, "admin");
        demo.load(out);
    }

    private void load(Path out) throws Exception {
        team(SALES, "Sales", List.of("head-of-sales"), List.of(
                member("head-of-sales", "Helen Head", "HEAD"),
                member("manager-1", "Mark First", "MANAGER"),
                member("manager-2", "Maria Second", "MANAGER")));
        team(FIELD, "Field service", List.of(), List.of(
                member("measurer", "Max Measurer", "MEASURER"),
                member("installer", "Ivan Installer", "INSTALLER")));

        String templateId = invoiceTemplate();
        String pipelineId = pipeline(templateId);

        rule("New lead: call back", "DealCreated", Map.of("pipelineId", pipelineId), taskAction(
                "Call the client back: {deal.title}", "CALL", "HIGH", Map.of("mode", "DEAL_OWNER"), "PT30S"));
        rule("Measurement: measure on site", "DealStageChanged",
                Map.of("pipelineId", pipelineId, "toStage", "measurement"), taskAction(
                        "Measure on site: {deal.title}", "MEASUREMENT", "NORMAL",
                        Map.of("mode", "TEAM_ROLE", "teamId", FIELD, "role", "MEASURER"), "P1D"));
        rule("Approval: calculate the price", "DealStageChanged",
                Map.of("pipelineId", pipelineId, "toStage", "approval"), taskAction(
                        "Calculate the price and call the client: {deal.title}", "CALL", "HIGH",
                        Map.of("mode", "DEAL_OWNER"), "PT2H"));
        rule("Installation: install", "DealStageChanged",
                Map.of("pipelineId", pipelineId, "toStage", "installation"), taskAction(
                        "Install the windows: {deal.title}", "INSTALLATION", "NORMAL",
                        Map.of("mode", "TEAM_ROLE", "teamId", FIELD, "role", "INSTALLER"), "P3D"));

        formKey(out);
    }

    // ---------------------------------------------------------------------------------------------------
    // The pieces

    private static Map<String, Object> member(String userId, String name, String role) {
        var m = new LinkedHashMap<String, Object>();
        m.put("userId", userId);
        m.put("name", name);
        m.put("email", userId + "@" + MAIL_DOMAIN);
        m.put("roles", List.of(role));
        m.put("language", "en");
        m.put("timeZone", "UTC");
        return m;
    }

    private void team(String departmentId, String name, List<String> heads, List<Map<String, Object>> members)
            throws Exception {
        if (call("GET", "/api/teams/" + departmentId, null).status() == 200) {
            say("team " + departmentId + ": exists");
            return;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("headUserIds", heads);
        body.put("members", members);
        body.put("timeZone", "UTC");
        // an overdue task goes to another member of the team five minutes after it fell due (demo pace)
        body.put("reassignmentDelay", "PT5M");
        expect(call("PUT", "/api/teams/" + departmentId, body), 200, 201);
        say("team " + departmentId + ": created (" + members.size() + " members)");
    }

    private String invoiceTemplate() throws Exception {
        for (Object t : list(call("GET", "/api/document-templates", null))) {
            if (TEMPLATE.equals(field(t, "name"))) {
                say("document template '" + TEMPLATE + "': exists");
                return (String) field(t, "id");
            }
        }
        String html = """
                <html><head><style>
                  body { font-family: sans-serif; font-size: 11pt; }
                  table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: 4px; }
                </style></head><body>
                <h1>Invoice {{document.number}}</h1>
                <p>Date: {{document.date}}</p>
                <p>Bill to: {{client.name}}<br/>{{client.address}} {{client.city}}</p>
                <p>Service: supply and installation of windows ({{deal.title}})</p>
                {{items}}
                <p>Net: {{totals.net}} {{deal.currency}}<br/>Tax: {{totals.tax}} {{deal.currency}}</p>
                <p><b>Total: {{totals.total}} {{deal.currency}}</b></p>
                <p>Payment details: Demo Windows Ltd, IBAN DE00 1234 5678 9012 3456 78, reference {{document.number}}</p>
                </body></html>
                """;
        var res = expect(call("POST", "/api/document-templates",
                Map.of("kind", "INVOICE", "name", TEMPLATE, "html", html)), 201, 200);
        say("document template '" + TEMPLATE + "': created");
        return (String) field(res.json(), "id");
    }

    private String pipeline(String templateId) throws Exception {
        for (Object p : list(call("GET", "/api/pipelines", null))) {
            if (PIPELINE.equals(field(p, "name"))) {
                say("pipeline " + PIPELINE + ": exists");
                return (String) field(p, "id");
            }
        }
        List<Object> stages = new ArrayList<>();
        stages.add(stage("first-call", "First call", 10, "OPEN", null));
        stages.add(stage("measurement", "Measurement", 30, "OPEN", null));
        stages.add(stage("approval", "Approval", 50, "OPEN", null));
        stages.add(stage("payment", "Payment", 70, "OPEN", templateId)); // the invoice is rendered on entry
        stages.add(stage("installation", "Installation", 90, "OPEN", null));
        stages.add(stage("won", "Won", 100, "WON", null));
        stages.add(stage("lost", "Lost", 0, "LOST", null));
        var body = new LinkedHashMap<String, Object>();
        body.put("name", PIPELINE);
        body.put("departmentId", SALES);
        body.put("defaultForDepartment", true); // leads of the sales department start here
        body.put("stages", stages);
        var res = expect(call("POST", "/api/pipelines", body), 201, 200);
        say("pipeline " + PIPELINE + ": created (First call, Measurement, Approval, Payment, Installation, Won, Lost)");
        return (String) field(res.json(), "id");
    }

    private static Map<String, Object> stage(String key, String name, int probability, String kind, String templateId) {
        var s = new LinkedHashMap<String, Object>();
        s.put("key", key);
        s.put("name", name);
        s.put("probability", probability);
        s.put("kind", kind);
        if (templateId != null) {
            s.put("templateId", templateId);
        }
        return s;
    }

    private static Map<String, Object> taskAction(
            String title, String type, String priority, Map<String, Object> assignee, String dueIn) {
        var a = new LinkedHashMap<String, Object>();
        a.put("titleTemplate", title);
        a.put("type", type);
        a.put("priority", priority);
        a.put("assignee", assignee);
        a.put("dueIn", dueIn);
        a.put("businessHours", false);
        return a;
    }

    private void rule(String name, String trigger, Map<String, Object> conditions, Map<String, Object> createTask)
            throws Exception {
        for (Object r : list(call("GET", "/api/automation-rules", null))) {
            if (name.equals(field(r, "name"))) {
                say("rule '" + name + "': exists");
                return;
            }
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("enabled", true);
        body.put("trigger", trigger);
        body.put("conditions", conditions);
        body.put("createTask", createTask);
        expect(call("POST", "/api/automation-rules", body), 201, 200);
        say("rule '" + name + "': created (task due in " + createTask.get("dueIn") + ")");
    }

    private void formKey(Path out) throws Exception {
        Path file = out.resolve("website-form-key");
        for (Object k : list(call("GET", "/api/leads/form-keys", null))) {
            if (FORM.equals(field(k, "name"))) {
                if (Files.isRegularFile(file)) {
                    say("website form key: exists (" + out.relativize(file) + ")");
                    return;
                }
                // the key is shown only at creation: without the file it is lost, so make another
            }
        }
        var body = Map.of("name", FORM, "formId", "website", "source", "website", "departmentId", SALES);
        var res = expect(call("POST", "/api/leads/form-keys", body), 201, 200);
        Files.createDirectories(out);
        Files.writeString(file, field(res.json(), "key") + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
        say("website form key: created, saved in " + file);
    }

    // ---------------------------------------------------------------------------------------------------
    // HTTP

    record Response(int status, String body) {
        Object json() {
            return Json.parse(body);
        }
    }

    private String devToken(String identity, String user) throws Exception {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(System.getenv().getOrDefault("CRM_IDENTITY_DEMO_PASSWORD", "demo"), StandardCharsets.UTF_8);
        var req = HttpRequest.newBuilder(URI.create(identity + "/dev/token"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        var res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("identity refused a token for " + user + ": HTTP " + res.statusCode() + " " + res.body());
        }
        return (String) field(Json.parse(res.body()), "access_token");
    }

    private Response call(String method, String path, Object body) throws IOException, InterruptedException {
        // the gateway answers 429 when a script outpaces the per-user rate limit, 503 while a service warms up
        for (int attempt = 1; ; attempt++) {
            var req = HttpRequest.newBuilder(URI.create(gateway + path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            if (body == null) {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
            }
            var res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            boolean retry = res.statusCode() == 429 || res.statusCode() == 503;
            if (!retry || attempt == 10) {
                return new Response(res.statusCode(), res.body());
            }
            Thread.sleep(1000L * Math.min(attempt, 3));
        }
    }

    private static Response expect(Response res, int... ok) {
        for (int s : ok) {
            if (res.status() == s) {
                return res;
            }
        }
        throw new IllegalStateException("HTTP " + res.status() + ": " + res.body());
    }

    private static List<Object> list(Response res) {
        expect(res, 200);
        Object json = res.json();
        if (json instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        // a page: {items: [...]}
        Object items = field(json, "items");
        return items instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    private static Object field(Object json, String name) {
        return json instanceof Map<?, ?> m ? m.get(name) : null;
    }

    private static void say(String line) {
        System.out.println(line);
    }

    // ---------------------------------------------------------------------------------------------------
    /** Just enough JSON: objects (as LinkedHashMap), arrays, strings, numbers (as text), booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            var p = new Json(text);
            Object v = p.value();
            p.ws();
            if (p.i != p.s.length()) {
                throw new IllegalArgumentException("trailing characters in JSON at " + p.i);
            }
            return v;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    var m = new LinkedHashMap<String, Object>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        i++; // ':'
                        m.put(k, value());
                        ws();
                        if (s.charAt(i++) == '}') {
                            return m;
                        }
                    }
                }
                case '[' -> {
                    i++;
                    var l = new ArrayList<Object>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i++) == ']') {
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    int start = i;
                    while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    String word = s.substring(start, i);
                    return switch (word) {
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        case "null" -> null;
                        default -> word;
                    };
                }
            }
        }

        private String string() {
            var b = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        static String write(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof String str) {
                var b = new StringBuilder("\"");
                for (char c : str.toCharArray()) {
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        case '\t' -> b.append("\\t");
                        default -> {
                            if (c < 0x20) {
                                b.append(String.format("\\u%04x", (int) c));
                            } else {
                                b.append(c);
                            }
                        }
                    }
                }
                return b.append('"').toString();
            }
            if (v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            if (v instanceof Map<?, ?> m) {
                var parts = new ArrayList<String>();
                m.forEach((k, x) -> parts.add(write(String.valueOf(k)) + ":" + write(x)));
                return "{" + String.join(",", parts) + "}";
            }
            if (v instanceof List<?> l) {
                var parts = new ArrayList<String>();
                l.forEach(x -> parts.add(write(x)));
                return "[" + String.join(",", parts) + "]";
            }
            if (v instanceof Optional<?> o) {
                return write(o.orElse(null));
            }
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }
}
