package org.opencrm.testkit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.testkit.security.ApiOperations.map;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opencrm.testkit.CommittedApiDocuments;
import org.opencrm.testkit.jwt.TestJwts;
import org.opencrm.testkit.security.ApiOperations.Operation;
import org.opencrm.testkit.security.ApiOperations.Parameter;
import org.opencrm.testkit.security.SecurityFixture.Binding;
import org.opencrm.testkit.security.SecurityFixture.Resource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security promises of docs/security.md, tried against every operation of the service's committed OpenAPI
 * document ({@code docs/api/<service>.json}):
 *
 * <ol>
 *   <li><b>Authorization matrix</b>: 2 tenants x 2 departments x every role (and no role) call every operation.
 *       A record a caller may not see must answer exactly as a record that does not exist, no answer
 *       may carry an id or secret of a record the caller may not see, a write by such a caller changes nothing,
 *       and what tenant B sees is the same before and after tenant A's data was seeded (no ids, no counts).
 *   <li><b>Token attacks</b>: every operation with each bad token (alg=none, HS256 keyed with the public key,
 *       another key, expired, not yet valid, wrong issuer or audience, no tenant, no subject, tampered payload,
 *       unknown kid, oversized, a token in the query string) answers a 401 problem; tenant headers and
 *       query parameters are not trusted.
 *   <li><b>Hostile input</b>: MongoDB operators in every JSON property, query parameter and header, server-owned
 *       fields, oversized, deeply nested and invalid UTF-8 bodies, huge strings, pages beyond the cap: 400/413,
 *       never a 5xx, and no planted operator reaches the database ({@link MongoCommandRecorder}).
 *   <li><b>Fuzzer</b>: requests generated from the schemas (-Dcrm.security.fuzz.requests, default 1000;
 *       -Dcrm.security.fuzz.seed to replay) never answer 5xx.
 * </ol>
 *
 * <p>A service's test extends this with the same annotations as its other tests (so the Spring context is
 * shared), seeds one record per kind as tenant A in {@link #seed}, and says how path parameters are filled. An
 * operation whose path parameter the fixture does not bind fails the suite: new endpoints are never skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ServiceSecurityTest {

    /** Every role of docs/security.md, and "" for a token without any known role. */
    protected static final List<String> ROLES =
            List.of("ADMIN", "HEAD", "MANAGER", "OPERATOR", "ANALYST", "INTEGRATION", "");

    protected static final String D1 = "d1";
    protected static final String D2 = "d2";
    /** The user the seeded records are assigned to: none of the matrix callers. */
    protected static final String OWNER = "seed-owner";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final Map<Caller, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final List<String> OPERATORS = List.of("$ne", "$gt", "$where", "$regex", "$expr");

    @LocalServerPort
    protected int port;

    @Value("${spring.application.name}")
    String applicationName;

    @Autowired
    MongoCommandRecorder mongoCommands;

    @Value("${crm.web.max-body-size:1MB}")
    org.springframework.util.unit.DataSize maxBodySize;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /** The tenant whose records are seeded; {@link #newTenantA()} names it. */
    protected String tenantA;
    /** The tenant that must never see any of them. */
    protected final String tenantB = "sec-b-" + run;

    private ApiOperations api;
    private SchemaValues values;
    private final SecurityFixture fixture = new SecurityFixture();
    private final List<Caller> callers = new ArrayList<>();
    private Map<String, String> tenantBBefore;
    private Map<String, String> tenantBAfterSeeding;

    /**
     * The query parameters requests need ({@code fixture.query("from", "2026-03-01")}), declared before anything is
     * seeded: tenant B's lists are read with them before and after.
     */
    protected void queries(SecurityFixture fixture) {}

    /** Seeds one record per kind as tenant A, department {@link #D1}, and binds the path parameters. */
    protected abstract void seed(SecurityFixture fixture) throws Exception;

    /** A fresh tenant id for tenant A; a service whose test data names its own tenant returns that one. */
    protected String newTenantA() {
        return "sec-a-" + run;
    }

    @BeforeAll
    void seedTenantA() throws Exception {
        tenantA = newTenantA();
        String service = applicationName.replaceFirst("-service$", "");
        api = ApiOperations.read(CommittedApiDocuments.fileOf(service));
        values = new SchemaValues(api);
        for (String tenant : List.of(tenantA, tenantB)) {
            for (String department : List.of(D1, D2)) {
                for (String role : ROLES) {
                    callers.add(new Caller(tenant, department, role));
                }
            }
        }
        queries(fixture);
        tenantBBefore = tenantBView();
        seed(fixture);
        tenantBAfterSeeding = tenantBView();
    }

    // ---------------------------------------------------------------- the authorization matrix

    @Test
    @Order(4)
    void authorizationMatrixLeaksNothingAcrossTenantsAndDepartments() {
        var failures = new ArrayList<String>();
        var unknown = new ArrayList<String>();
        int requests = 0;
        int refusals = 0;
        List<Operation> operations = new ArrayList<>(api.all());
        operations.sort(Comparator.comparingInt(ServiceSecurityTest::matrixOrder));
        Map<String, String> fingerprints = fingerprints();
        for (Operation operation : operations) {
            if (fixture.publicOperations.containsKey(operation.key())) {
                continue;
            }
            Map<String, Bound> path = bind(operation);
            if (path == null) {
                unknown.add(operation.key());
                continue;
            }
            List<Resource> targets = path.values().stream()
                    .map(Bound::resource)
                    .filter(r -> r != null)
                    .toList();
            List<Caller> ordered = new ArrayList<>(callers);
            ordered.sort(Comparator.comparing(c -> sees(c, targets)));
            boolean checkedWrites = false;
            for (Caller caller : ordered) {
                boolean sees = sees(caller, targets);
                if (sees && !checkedWrites && !operation.isRead()) {
                    checkedWrites = true;
                    var now = fingerprints();
                    fingerprints.forEach((kind, before) -> {
                        if (!before.equals(now.get(kind))) {
                            failures.add(operation.key() + " by callers who may not see it changed the " + kind);
                        }
                    });
                }
                var request = request(operation, caller.token(), path, false, null);
                var response = send(request);
                requests++;
                if (response.status() >= 500) {
                    failures.add(operation.key() + " as " + caller + " answered " + response.status());
                }
                // A name another tenant may use for its own record (a custom field "budget") proves nothing.
                if (!targets.isEmpty() && !sees && targets.stream().allMatch(Resource::idIsSecret)) {
                    var absent = send(request(operation, caller.token(), path, true, null));
                    requests++;
                    refusals++;
                    // Equal answers: a refusal like any unknown id, or (an upsert, an idempotent end of a call)
                    // the caller's own new record under that key; the fingerprints show A's record unchanged.
                    if (response.status() != absent.status()) {
                        failures.add(operation.key() + " as " + caller + " answered " + response.status()
                                + " for a record it may not see but " + absent.status()
                                + " for one that does not exist: the answer discloses that the record exists");
                    }
                }
                leak(operation, caller, request, response).ifPresent(failures::add);
            }
            if (!operation.isRead()) {
                fingerprints = fingerprints();
            }
        }
        var tenantBAfter = tenantBAfterSeeding;
        tenantBBefore.forEach((what, before) -> {
            boolean isPublic = fixture.publicOperations.keySet().stream().anyMatch(op -> what.startsWith(op + " as "));
            if (!isPublic && !before.equals(tenantBAfter.get(what))) {
                failures.add("tenant B's " + what + " changed when tenant A's data was seeded:\n  before "
                        + abbreviate(before) + "\n  after  " + abbreviate(tenantBAfter.get(what)));
            }
        });
        report(
                "authorization matrix",
                requests + " requests, " + operations.size() + " operations x "
                        + callers.size() + " callers, " + refusals + " compared with a record that does not exist, "
                        + tenantBBefore.size() + " tenant-B views compared before/after seeding");
        assertThat(unknown)
                .as("operations whose path parameters the suite cannot fill: bind them in seed()")
                .isEmpty();
        assertThat(failures).isEmpty();
    }

    /** Reads first, writes next, deletions and irreversible actions last: the records stay for as long as possible. */
    private static int matrixOrder(Operation operation) {
        String path = operation.path();
        if (operation.method().equals("DELETE")) {
            return 4;
        }
        if (path.endsWith("/erase") || path.endsWith("/merge") || path.endsWith("/cancel") || path.endsWith("/close")) {
            return 3;
        }
        return operation.isRead() ? 1 : 2;
    }

    /** Whether the caller may see every one of the records (an operation without records: yes). */
    private boolean sees(Caller caller, List<Resource> targets) {
        return targets.stream().allMatch(target -> sees(caller, target));
    }

    private boolean sees(Caller caller, Resource target) {
        if (!caller.tenant().equals(tenantA)) {
            return false;
        }
        if (target.tenantWide()) {
            return true;
        }
        boolean inDepartment = caller.department().equals(target.departmentId());
        return switch (caller.role()) {
            case "ADMIN", "INTEGRATION" -> true;
            case "HEAD", "ANALYST" -> inDepartment;
            case "MANAGER" -> inDepartment && target.ownerId() == null;
            default -> false;
        };
    }

    private java.util.Optional<String> leak(
            Operation operation, Caller caller, HttpRequest request, Response response) {
        String sent = request.uri() + " " + bodyOf(request);
        String answer = response.body() + " " + response.headers();
        for (Resource resource : fixture.resources.values()) {
            if (sees(caller, resource)) {
                continue;
            }
            for (String secret : secretsOf(resource)) {
                if (!sent.contains(secret) && answer.contains(secret)) {
                    return java.util.Optional.of(operation.key() + " as " + caller + " disclosed the " + resource.kind()
                            + " it may not see (" + secret + ") in " + abbreviate(answer));
                }
            }
        }
        if (!caller.tenant().equals(tenantA)) {
            for (String secret : fixture.tenantSecrets) {
                if (!sent.contains(secret) && answer.contains(secret)) {
                    return java.util.Optional.of(operation.key() + " as " + caller + " disclosed tenant A's " + secret);
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static List<String> secretsOf(Resource resource) {
        var secrets = new ArrayList<String>(resource.secrets());
        if (resource.idIsSecret()) {
            secrets.add(resource.id());
        }
        return secrets;
    }

    /** Each seeded record as tenant A's administrator reads it: a write by someone who may not see it changes it. */
    private Map<String, String> fingerprints() {
        var result = new LinkedHashMap<String, String>();
        var admin = new Caller(tenantA, D1, "ADMIN");
        for (Resource resource : fixture.resources.values()) {
            api.all().stream()
                    .filter(Operation::isRead)
                    .filter(o -> !o.streams())
                    .filter(o -> {
                        var bound = bind(o);
                        return bound != null
                                && !bound.isEmpty()
                                && bound.values().stream().allMatch(b -> resource.equals(b.resource()));
                    })
                    .min(Comparator.comparingInt(o -> o.path().length()))
                    .ifPresent(read -> {
                        var response = send(request(read, admin.token(), bind(read), false, null));
                        result.put(resource.kind(), response.status() + " " + normalize(response.body()));
                    });
        }
        return result;
    }

    /** What tenant B's callers see on every list, search, export and report (operations without path parameters). */
    private Map<String, String> tenantBView() {
        var result = new LinkedHashMap<String, String>();
        for (Operation operation : api.all()) {
            if (!operation.isRead()
                    || operation.streams()
                    || !operation.in("path").isEmpty()
                    || fixture.publicOperations.containsKey(operation.key())) {
                continue;
            }
            for (Caller caller : callers) {
                if (caller.tenant().equals(tenantB)) {
                    var response = send(request(operation, caller.token(), Map.of(), false, null));
                    result.put(operation.key() + " as " + caller, response.status() + " " + normalize(response.body()));
                }
            }
        }
        return result;
    }

    /** Times and trace ids differ between two calls; everything else must not. */
    private static String normalize(String body) {
        return body.replaceAll("\"traceId\"\\s*:\\s*\"[^\"]*\"", "\"traceId\":\"\"")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})?)?", "<time>");
    }

    // ---------------------------------------------------------------- token attacks

    @Test
    @Order(2)
    void badTokensAreUnauthorizedProblemsOnEveryOperation() {
        var valid = TestJwts.user("u-attack").tenant(tenantA).departments(D1).roles("ADMIN");
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put(
                "alg=none", TestJwts.user("u").tenant(tenantA).roles("ADMIN").mintUnsigned());
        attacks.put(
                "HS256 keyed with the public key",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").mintHs256WithPublicKey());
        attacks.put(
                "signed by another key",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").mintSignedByAnotherKey());
        attacks.put(
                "expired",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").expired().mint());
        attacks.put(
                "not yet valid",
                TestJwts.user("u")
                        .tenant(tenantA)
                        .roles("ADMIN")
                        .claim("nbf", Date.from(Instant.now().plus(Duration.ofHours(1))))
                        .mint());
        attacks.put(
                "wrong issuer",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").wrongIssuer().mint());
        attacks.put(
                "wrong audience",
                TestJwts.user("u")
                        .tenant(tenantA)
                        .roles("ADMIN")
                        .wrongAudience()
                        .mint());
        attacks.put(
                "no tenant", TestJwts.user("u").roles("ADMIN").without("tenant").mint());
        attacks.put(
                "blank tenant", TestJwts.user("u").tenant(" ").roles("ADMIN").mint());
        attacks.put(
                "no subject",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").without("sub").mint());
        attacks.put(
                "no expiry",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").without("exp").mint());
        attacks.put(
                "tampered payload",
                tamper(TestJwts.user("u").tenant(tenantB).roles("OPERATOR").mint(), tenantA));
        attacks.put(
                "unknown kid",
                TestJwts.user("u").tenant(tenantA).roles("ADMIN").unknownKeyId().mint());
        String oversized = valid.mint();
        attacks.put(
                "oversized (6 KB of garbage signature)",
                oversized.substring(0, oversized.lastIndexOf('.') + 1) + "A".repeat(6_000));
        attacks.put("not a JWT", "not-a-jwt");
        var failures = new ArrayList<String>();
        int requests = 0;
        for (Operation operation : api.all()) {
            if (fixture.publicOperations.containsKey(operation.key())) {
                continue;
            }
            Map<String, Bound> path = bind(operation);
            if (path == null) {
                continue;
            }
            for (var attack : attacks.entrySet()) {
                var response = send(request(operation, attack.getValue(), path, false, null));
                requests++;
                if (!isUnauthorizedProblem(response)) {
                    failures.add(operation.key() + " with a token " + attack.getKey() + " answered " + response.status()
                            + " " + abbreviate(response.body()));
                }
            }
            // The platform reads tokens from the Authorization header only: a token in the query string is none.
            var inQuery = request(operation, null, path, false, "access_token=" + valid.mint());
            var response = send(inQuery);
            requests++;
            if (!isUnauthorizedProblem(response)) {
                failures.add(operation.key() + " with the token in the query string answered " + response.status());
            }
        }
        // A header far beyond any real token is refused before it costs anything, never answered 2xx or 5xx.
        var huge = send(request(
                api.all().get(0),
                valid.claim("padding", "x".repeat(40_000)).mint(),
                bind(api.all().get(0)),
                false,
                null));
        requests++;
        if (huge.status() < 400 || huge.status() >= 500) {
            failures.add("a 40 KB token answered " + huge.status());
        }
        report(
                "token attacks",
                requests + " requests, " + attacks.size() + " bad tokens + a token in the query" + " string on each of "
                        + api.all().size() + " operations");
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(3)
    void tenantHeadersAndUserParametersAreNotTrusted() {
        var failures = new ArrayList<String>();
        int requests = 0;
        for (Operation operation : api.all()) {
            if (!operation.isRead() || fixture.publicOperations.containsKey(operation.key())) {
                continue;
            }
            Map<String, Bound> path = bind(operation);
            if (path == null) {
                continue;
            }
            var caller = new Caller(tenantB, D1, "ADMIN");
            String spoof = "tenantId=" + tenantA + "&tenant=" + tenantA + "&user.tenantId=" + tenantA + "&userId="
                    + OWNER + "&user.userId=" + OWNER + "&user.roles=ADMIN";
            var request = request(operation, caller.token(), path, false, spoof);
            var spoofed = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("X-Tenant", tenantA)
                    .header("X-Tenant-Id", tenantA)
                    .header("X-User-Id", OWNER)
                    .header("X-Roles", "ADMIN")
                    .header("X-Forwarded-User", OWNER)
                    .build();
            var response = send(spoofed);
            requests++;
            if (response.status() >= 500) {
                failures.add(operation.key() + " with tenant headers answered " + response.status());
            }
            if (response.status() < 300 && path.values().stream().anyMatch(b -> b.resource() != null)) {
                failures.add(operation.key() + " with tenant A's headers answered tenant B " + response.status());
            }
            leak(operation, caller, spoofed, response).ifPresent(failures::add);
        }
        report("untrusted network", requests + " requests with tenant headers and user parameters");
        assertThat(failures).isEmpty();
    }

    private static boolean isUnauthorizedProblem(Response response) {
        return response.status() == 401
                && response.headers().getOrDefault("content-type", "").startsWith("application/problem+json")
                && response.body().contains("\"status\":401");
    }

    /** The payload of {@code token} with its {@code tenant} replaced, the signature kept. */
    private static String tamper(String token, String tenant) {
        String[] parts = token.split("\\.");
        var decoder = Base64.getUrlDecoder();
        String payload = new String(decoder.decode(parts[1]), StandardCharsets.UTF_8);
        payload = payload.replaceAll("\"tenant\":\"[^\"]*\"", "\"tenant\":\"" + tenant + "\"")
                .replace("OPERATOR", "ADMIN");
        return parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
    }

    // ---------------------------------------------------------------- hostile input

    // First: it needs the seeded records as they are, and refused inputs change nothing.
    @Test
    @Order(1)
    void hostileInputIsRefusedAndNoPlantedOperatorReachesTheDatabase() {
        mongoCommands.watch();
        var failures = new ArrayList<String>();
        int tried = 0;
        var gated = new ArrayList<String>();
        Operation firstJsonWrite = null;
        List<Operation> operations = new ArrayList<>(api.all());
        operations.sort(Comparator.comparingInt(ServiceSecurityTest::matrixOrder));
        for (Operation operation : operations) {
            Map<String, Bound> path = bind(operation);
            if (path == null) {
                continue;
            }
            // The caller the operation serves: its body is read only after the role gate lets it through.
            Caller admin = callerFor(operation, path);
            if (admin == null) {
                gated.add(operation.key());
                continue;
            }
            if (operation.jsonBody() && !operation.bodySchema().isEmpty()) {
                if (firstJsonWrite == null && operation.method().equals("POST") && admin.tenant() != null) {
                    firstJsonWrite = operation;
                }
                Map<String, Object> properties = map(operation.bodySchema().get("properties"));
                var base = exampleBody(operation);
                for (String property : properties.keySet()) {
                    for (String operator : OPERATORS) {
                        var body = new LinkedHashMap<String, Object>(base);
                        body.put(property, planted(operator));
                        tried++;
                        expect(
                                failures,
                                operation,
                                "{" + property + ": " + operator + "}",
                                admin,
                                path,
                                json(body),
                                400);
                    }
                }
                for (String operator : OPERATORS) {
                    var body = new LinkedHashMap<String, Object>(base);
                    body.put(operator, "zzhostile-top");
                    tried++;
                    expect(failures, operation, "a top-level " + operator, admin, path, json(body), 400);
                }
                for (String owned : List.of("tenantId", "id", "version", "createdAt")) {
                    if (properties.containsKey(owned)) {
                        if (owned.equals("tenantId")) {
                            failures.add(operation.key() + " declares tenantId in its request body");
                        }
                        continue;
                    }
                    var body = new LinkedHashMap<String, Object>(base);
                    body.put(owned, owned.equals("version") ? (Object) 99 : tenantB);
                    tried++;
                    expect(failures, operation, "server-owned " + owned, admin, path, json(body), 400);
                }
                tried += 3;
                expect(
                        failures,
                        operation,
                        "5,000 nested arrays",
                        admin,
                        path,
                        "[".repeat(5_000) + "]".repeat(5_000),
                        400);
                expect(
                        failures,
                        operation,
                        "5,000 nested objects",
                        admin,
                        path,
                        "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000),
                        400);
                expect(
                        failures,
                        operation,
                        "invalid UTF-8",
                        admin,
                        path,
                        RAW
                                + new String(
                                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                                        StandardCharsets.ISO_8859_1),
                        400);
                for (String property : properties.keySet()) {
                    if (SchemaValues.type(api.resolve(map(properties.get(property))))
                            .equals("string")) {
                        var body = new LinkedHashMap<String, Object>(base);
                        body.put(property, "\ud83d\ude00" + "x".repeat(500_000));
                        tried++;
                        expectNo5xx(failures, operation, "a 500,000-character " + property, admin, path, json(body));
                        break;
                    }
                }
            }
            for (Parameter parameter : queryParameters(operation)) {
                for (String operator : OPERATORS) {
                    tried += 3;
                    String value = json(planted(operator));
                    expectNo5xx(
                            failures,
                            operation,
                            parameter.name() + "=" + operator,
                            admin,
                            path,
                            null,
                            encode(parameter.name()) + "=" + encode(value));
                    expectNo5xx(
                            failures,
                            operation,
                            parameter.name() + "[" + operator + "]",
                            admin,
                            path,
                            null,
                            encode(parameter.name() + "[" + operator + "]") + "=zzhostile-x");
                    expectNo5xx(
                            failures,
                            operation,
                            parameter.name() + "." + operator,
                            admin,
                            path,
                            null,
                            encode(parameter.name() + ".zzhostile" + operator) + "=zzhostile-x");
                }
                tried += 2;
                expectNo5xx(
                        failures,
                        operation,
                        parameter.name() + " with invalid UTF-8",
                        admin,
                        path,
                        null,
                        encode(parameter.name()) + "=%C3%28%FF");
                expectNo5xx(
                        failures,
                        operation,
                        parameter.name() + " of 6,000 characters",
                        admin,
                        path,
                        null,
                        encode(parameter.name()) + "=" + "x".repeat(6_000));
                if (parameter.name().equals("size")) {
                    for (String size : List.of("0", "-1", "201", "100000", "99999999999")) {
                        tried++;
                        var response = send(request(operation, admin.token(), path, false, "size=" + size));
                        if (response.status() != 400) {
                            failures.add(operation.key() + " with size=" + size + " answered " + response.status());
                        }
                    }
                }
                if (parameter.name().equals("page")) {
                    tried++;
                    var response = send(request(operation, admin.token(), path, false, "page=-1"));
                    if (response.status() != 400) {
                        failures.add(operation.key() + " with page=-1 answered " + response.status());
                    }
                }
            }
            if (operation.isRead() && !operation.streams()) {
                for (String hostileName : List.of("zzhostile$where", "cf.zzhostile$ne", "q[$ne]", "$where")) {
                    tried++;
                    expectNo5xx(
                            failures,
                            operation,
                            "the parameter " + hostileName,
                            admin,
                            path,
                            null,
                            encode(hostileName) + "=" + encode(json(planted("$ne"))));
                }
            }
            for (String header : List.of("If-Match", "Last-Event-ID", "Idempotency-Key", "X-Form-Key")) {
                var request = request(operation, admin.token(), path, false, null);
                var hostile = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(header))
                        .header(header, "{\"$ne\":\"zzhostile-header\"}")
                        .build();
                tried++;
                var response = send(hostile);
                if (response.status() >= 500) {
                    failures.add(operation.key() + " with " + header + ": {$ne} answered " + response.status());
                }
            }
        }
        if (firstJsonWrite != null) {
            // The size cap runs before security: any token will do.
            var admin = new Caller(tenantA, D1, "ADMIN");
            var path = bind(firstJsonWrite);
            tried += 2;
            String big = "{\"x\":\"" + "x".repeat((int) maxBodySize.toBytes() + 100_000) + "\"}";
            // Declared by Content-Length: refused before a byte of it is read. Only the head is sent (a client
            // pushing megabytes the server will never read just has its connection reset).
            int declared = declaredTooLarge(firstJsonWrite, admin.token(), path, maxBodySize.toBytes() + 100_000);
            if (declared != 413) {
                failures.add(firstJsonWrite.key() + " with a declared body above crm.web.max-body-size answered "
                        + declared);
            }
            var chunked = HttpRequest.newBuilder(
                            request(firstJsonWrite, admin.token(), path, false, null), (n, v) -> true)
                    .method(
                            firstJsonWrite.method(),
                            HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big)))
                    .build();
            var response = send(chunked);
            if (response.status() != 413) {
                failures.add(firstJsonWrite.key() + " with a chunked body above crm.web.max-body-size answered "
                        + response.status());
            }
        }
        report(
                "hostile input",
                tried + " bad inputs, " + mongoCommands.violations().size() + " planted operators reached MongoDB (of "
                        + mongoCommands.commands() + " commands watched)");
        assertThat(mongoCommands.violations())
                .as("commands carrying a planted operator")
                .isEmpty();
        assertThat(failures).isEmpty();
    }

    /**
     * The first of tenant A's ADMIN and INTEGRATION (or, for a public operation, no token and its headers) whose plain
     * request is not refused for its roles; null when every one is.
     */
    private Caller callerFor(Operation operation, Map<String, Bound> path) {
        if (fixture.publicOperations.containsKey(operation.key())) {
            return Caller.ANONYMOUS;
        }
        for (String role : List.of("ADMIN", "INTEGRATION", "HEAD")) {
            var caller = new Caller(tenantA, D1, role);
            // A JSON body of the wrong shape: the role gate answers before it is read, and nothing is changed.
            String body = operation.jsonBody() ? "[]" : null;
            int status = send(request(operation, caller.token(), path, false, null, body))
                    .status();
            if (status != 401 && status != 403) {
                return caller;
            }
        }
        return null;
    }

    private Map<String, Object> exampleBody(Operation operation) {
        String override = fixture.bodies.get(operation.key());
        return override != null
                ? new LinkedHashMap<>(map(JSON.readValue(override, Map.class)))
                : new LinkedHashMap<>(map(values.example(operation.bodySchema())));
    }

    /** The status of a request whose head declares {@code length} bytes, sent without its body. */
    private int declaredTooLarge(Operation operation, String token, Map<String, Bound> path, long length) {
        var uri = request(operation, token, path, false, null).uri();
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            String head = operation.method() + " " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            var status = new java.io.BufferedReader(
                            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return status == null ? 499 : Integer.parseInt(status.split(" ")[1]);
        } catch (IOException e) {
            return 499;
        }
    }

    private static Map<String, Object> planted(String operator) {
        if (operator.equals("$expr")) {
            return Map.of("$expr", Map.of("$eq", List.of("$tenantId", "zzhostile-expr")));
        }
        return Map.of(operator, "zzhostile-" + operator.substring(1));
    }

    private void expect(
            List<String> failures,
            Operation operation,
            String what,
            Caller caller,
            Map<String, Bound> path,
            String body,
            int status) {
        var response = send(request(operation, caller.token(), path, false, null, body));
        if (response.status() != status) {
            failures.add(operation.key() + " with " + what + " answered " + response.status() + " (expected " + status
                    + ") " + abbreviate(response.body()));
        }
    }

    private void expectNo5xx(
            List<String> failures,
            Operation operation,
            String what,
            Caller caller,
            Map<String, Bound> path,
            String body,
            String... query) {
        var request = body != null
                ? request(operation, caller.token(), path, false, null, body)
                : request(operation, caller.token(), path, false, query.length > 0 ? query[0] : null);
        var response = send(request);
        if (response.status() >= 500) {
            failures.add(operation.key() + " with " + what + " answered " + response.status());
        }
    }

    // ---------------------------------------------------------------- fuzzer

    @Test
    @Order(5)
    void fuzzedRequestsNeverAnswer5xx() {
        int count = Integer.getInteger("crm.security.fuzz.requests", 1000);
        long seed = Long.getLong("crm.security.fuzz.seed", System.nanoTime());
        var random = new Random(seed);
        var operations = api.all().stream()
                .filter(o -> !fixture.notFuzzed.containsKey(o.key()))
                .filter(o -> !o.streams())
                .filter(o -> bind(o) != null)
                .toList();
        var failures = new ArrayList<String>();
        var statuses = new java.util.TreeMap<Integer, Integer>();
        for (int i = 0; i < count; i++) {
            Operation operation = operations.get(random.nextInt(operations.size()));
            Caller caller = fixture.publicOperations.containsKey(operation.key()) && random.nextInt(5) != 0
                    ? Caller.ANONYMOUS
                    : random.nextInt(5) == 0
                            ? callers.get(random.nextInt(callers.size()))
                            : new Caller(tenantA, D1, "ADMIN");
            Map<String, Bound> path = new LinkedHashMap<>(bind(operation));
            if (random.nextInt(4) == 0 && !path.isEmpty()) {
                String name = path.keySet().iterator().next();
                path.put(name, new Bound(String.valueOf(values.fuzz(Map.of("type", "string"), random)), null));
            }
            var query = new ArrayList<String>();
            for (Parameter parameter : queryParameters(operation)) {
                if (parameter.required() || random.nextInt(3) == 0) {
                    Object value = values.fuzz(parameter.schema(), random);
                    query.add(encode(parameter.name()) + "=" + encode(value instanceof String s ? s : json(value)));
                }
            }
            String body = null;
            if (operation.jsonBody()) {
                int dice = random.nextInt(100);
                body = dice < 3
                        ? SchemaValues.pick(random, List.of("", "{", "[]", "null", "\"x\"", "{\"a\":1}}"))
                        : json(values.fuzz(operation.bodySchema(), random));
            }
            var request = request(
                    operation, caller.token(), path, false, query.isEmpty() ? null : String.join("&", query), body);
            var response = send(request);
            statuses.merge(response.status(), 1, Integer::sum);
            if (response.status() >= 500 && failures.size() < 30) {
                failures.add("#" + i + " " + request.method() + " " + request.uri() + " " + abbreviate(bodyOf(request))
                        + " answered " + response.status());
            }
        }
        report(
                "fuzzer",
                count + " requests (seed " + seed + ", replay with -Dcrm.security.fuzz.seed=" + seed + "), answers "
                        + statuses);
        assertThat(failures).isEmpty();
    }

    // ---------------------------------------------------------------- requests

    /** A caller of the matrix: a tenant, one department and one role (or none). */
    protected record Caller(String tenant, String department, String role) {

        /** No token: a public operation's caller. */
        static final Caller ANONYMOUS = new Caller(null, null, "");

        String userId() {
            return tenant + "-" + department + "-" + (role.isEmpty() ? "norole" : role.toLowerCase(Locale.ROOT));
        }

        String token() {
            return tenant == null ? null : TOKENS.computeIfAbsent(this, Caller::mint);
        }

        private String mint() {
            var builder = TestJwts.user(userId()).tenant(tenant).departments(department);
            return role.isEmpty() ? builder.mint() : builder.roles(role).mint();
        }

        @Override
        public String toString() {
            return (role.isEmpty() ? "no role" : role) + " of " + department + " in " + tenant;
        }
    }

    /** A token for tenant A in the given department with the given roles (for seeding). */
    protected String tokenA(String department, String... roles) {
        return TestJwts.user("seed-" + String.join("-", roles).toLowerCase(Locale.ROOT))
                .tenant(tenantA)
                .departments(department)
                .roles(roles)
                .mint();
    }

    /** A path parameter's value and the record it names (null for a fixed value). */
    private record Bound(String value, Resource resource) {}

    /** The values of the operation's path parameters, or null when the fixture does not bind one of them. */
    private Map<String, Bound> bind(Operation operation) {
        var result = new LinkedHashMap<String, Bound>();
        for (Parameter parameter : operation.in("path")) {
            Binding binding = fixture.binding(operation.path(), parameter.name());
            if (binding == null) {
                return null;
            }
            if (binding.literal() != null) {
                result.put(parameter.name(), new Bound(binding.literal(), null));
            } else {
                Resource resource = fixture.resources.get(binding.kind());
                if (resource == null) {
                    return null;
                }
                result.put(parameter.name(), new Bound(resource.id(), resource));
            }
        }
        return result;
    }

    /** The query parameters a client sends: object parameters flattened, the resolved {@code user} left out. */
    private List<Parameter> queryParameters(Operation operation) {
        var result = new ArrayList<Parameter>();
        for (Parameter parameter : operation.in("query")) {
            Map<String, Object> properties = map(parameter.schema().get("properties"));
            if (parameter.name().equals("user") && properties.containsKey("tenantId")) {
                continue;
            }
            if (!properties.isEmpty()) {
                properties.forEach((name, schema) -> result.add(new Parameter(name, "query", false, map(schema))));
            } else if (parameter.schema().containsKey("additionalProperties")) {
                continue;
            } else {
                result.add(parameter);
            }
        }
        return result;
    }

    private HttpRequest request(
            Operation operation, String token, Map<String, Bound> path, boolean absent, String query) {
        return request(operation, token, path, absent, query, null);
    }

    private HttpRequest request(
            Operation operation, String token, Map<String, Bound> path, boolean absent, String query, String body) {
        String target = operation.path();
        for (var entry : path.entrySet()) {
            String value = absent && entry.getValue().resource() != null
                    ? "nx" + UUID.randomUUID().toString().replace("-", "").substring(0, 22)
                    : entry.getValue().value();
            target = target.replace("{" + entry.getKey() + "}", encode(value).replace("+", "%20"));
        }
        var parameters = new ArrayList<String>();
        for (Parameter parameter : queryParameters(operation)) {
            String fixed = fixture.queryValues.get(parameter.name());
            if (fixed != null) {
                parameters.add(encode(parameter.name()) + "=" + encode(fixed));
            } else if (parameter.required()) {
                Object value = values.example(parameter.schema());
                parameters.add(encode(parameter.name()) + "=" + encode(String.valueOf(value)));
            }
        }
        if (query != null) {
            parameters.add(query);
        }
        if (!parameters.isEmpty()) {
            target += "?" + String.join("&", parameters);
        }
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        } else {
            var headers = fixture.publicHeaders.getOrDefault(operation.key(), List.of());
            for (int i = 0; i + 1 < headers.size(); i += 2) {
                builder.header(headers.get(i), headers.get(i + 1));
            }
        }
        var given = fixture.publicHeaders.getOrDefault(operation.key(), List.of());
        for (Parameter header : operation.in("header")) {
            if (header.required()
                    && !header.name().equalsIgnoreCase("Authorization")
                    && given.stream().noneMatch(header.name()::equalsIgnoreCase)) {
                builder.header(header.name(), header.name().equalsIgnoreCase("If-Match") ? "\"0\"" : "x");
            }
        }
        if (operation.streams()) {
            builder.header("Accept", "text/event-stream");
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        String sentBody = "";
        if (body != null) {
            builder.header("Content-Type", "application/json");
            publisher = body.startsWith(RAW)
                    ? HttpRequest.BodyPublishers.ofByteArray(
                            body.substring(RAW.length()).getBytes(StandardCharsets.ISO_8859_1))
                    : HttpRequest.BodyPublishers.ofString(body);
            sentBody = body;
        } else if (operation.jsonBody()) {
            String json = fixture.bodies.getOrDefault(operation.key(), json(values.example(operation.bodySchema())));
            builder.header("Content-Type", "application/json");
            publisher = HttpRequest.BodyPublishers.ofString(json);
            sentBody = json;
        } else if (operation.bodyType() != null && operation.bodyType().startsWith("multipart/")) {
            String boundary = "crm" + run;
            var multipart = new StringBuilder();
            map(operation.bodySchema().get("properties")).forEach((name, schema) -> {
                if (name.equals("user")) {
                    return; // the CurrentUser springdoc lists: resolved from the token, never sent
                }
                multipart.append("--").append(boundary).append("\r\n");
                boolean file = "binary".equals(map(schema).get("format"));
                multipart
                        .append("Content-Disposition: form-data; name=\"")
                        .append(name)
                        .append('"')
                        .append(
                                file
                                        ? "; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nname\r\nx\r\n"
                                        : "\r\n\r\nx\r\n");
            });
            multipart.append("--").append(boundary).append("--\r\n");
            builder.header("Content-Type", "multipart/form-data; boundary=" + boundary);
            publisher = HttpRequest.BodyPublishers.ofString(multipart.toString());
        }
        var request = builder.method(operation.method(), publisher).build();
        BODIES.put(request, sentBody);
        return request;
    }

    /** A body given as {@code RAW + text} is sent as the text's ISO-8859-1 bytes: how a test sends invalid UTF-8. */
    private static final String RAW = "\u0000raw:";

    private static final Map<HttpRequest, String> BODIES =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static String bodyOf(HttpRequest request) {
        return BODIES.getOrDefault(request, "");
    }

    /** The answer's status, body (an event stream: what arrived in its first 300 ms) and headers. */
    public record Response(int status, String body, Map<String, String> headers) {}

    /** Sends a request and reads the answer (an event stream: its first 300 ms); a closed connection is 499. */
    protected Response send(HttpRequest request) {
        try {
            var response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream stream = response.body()) {
                boolean eventStream =
                        response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                body = eventStream
                        ? readFor(stream, Duration.ofMillis(300))
                        : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = response.headers().map().entrySet().stream()
                    .collect(Collectors.toMap(
                            e -> e.getKey().toLowerCase(Locale.ROOT),
                            e -> String.join(",", e.getValue()),
                            (a, b) -> a));
            return new Response(response.statusCode(), body, headers);
        } catch (IOException e) {
            // A connection the server closed on an absurd request is a refusal, not an answer: 400 for the suite.
            return new Response(499, "connection closed: " + e, Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readFor(InputStream stream, Duration duration) {
        var buffer = new ByteArrayOutputStream();
        var reader = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[4096];
            try {
                for (int n; (n = stream.read(chunk)) >= 0; ) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed below
            }
        });
        try {
            reader.join(duration);
            stream.close();
            reader.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- helpers for seeding

    /** POSTs (or PUTs, PATCHes) JSON as the given token and returns the answer; fails unless it is 2xx. */
    protected Response call(String method, String path, String token, String json) {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        var response = send(builder.method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build());
        assertThat(response.status())
                .as(method + " " + path + ": " + response.body())
                .isBetween(200, 299);
        return response;
    }

    /** Uploads one file as a multipart body ({@code file} part) and returns the answer; fails unless it is 2xx. */
    protected Response upload(String path, String token, String filename, String contentType, byte[] content) {
        String boundary = "----crm" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
        assertThat(response.status())
                .as("upload to " + path + ": " + response.body())
                .isBetween(200, 299);
        return response;
    }

    /** A value of a JSON answer as a string: {@code read(response, "id")} or a JSON path, {@code "$[0].id"}. */
    protected static String read(Response response, String path) {
        Object value = com.jayway.jsonpath.JsonPath.read(response.body(), path.startsWith("$") ? path : "$." + path);
        return String.valueOf(value);
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    private void report(String suite, String figures) {
        System.out.println("[security] " + applicationName + " " + suite + ": " + figures);
    }
}
