package org.opencrm.testkit.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service's security suite seeded as tenant A and how the suite fills the API's path parameters. Filled by
 * the service's subclass of {@link ServiceSecurityTest} in {@code seed}.
 */
public final class SecurityFixture {

    final Map<String, Resource> resources = new LinkedHashMap<>();
    final Map<String, Binding> bindings = new LinkedHashMap<>();
    final Map<String, String> bodies = new LinkedHashMap<>();
    final Map<String, String> publicOperations = new LinkedHashMap<>();
    final Map<String, List<String>> publicHeaders = new LinkedHashMap<>();
    final Map<String, String> notFuzzed = new LinkedHashMap<>();
    final Map<String, String> queryValues = new LinkedHashMap<>();
    final List<String> tenantSecrets = new ArrayList<>();

    SecurityFixture() {}

    /**
     * A record with an owner and a department, seen by the roles as docs/security.md says.
     *
     * @param ownerId the assigned user, or null for an unassigned record
     * @param secrets strings of the record (a name, a phone number) a caller who may not see it must never get
     */
    public SecurityFixture record(String kind, String id, String ownerId, String departmentId, String... secrets) {
        resources.put(kind, new Resource(kind, id, false, ownerId, departmentId, List.of(secrets), true));
        return this;
    }

    /** Tenant configuration every user of the tenant sees (pipelines, templates, settings). */
    public SecurityFixture tenantWide(String kind, String id, String... secrets) {
        resources.put(kind, new Resource(kind, id, true, null, null, List.of(secrets), true));
        return this;
    }

    /**
     * Tenant configuration under a name another tenant may use for its own ({@code budget}, {@code warranty}): the
     * name is no secret, only the {@code secrets} are.
     */
    public SecurityFixture tenantWideNamed(String kind, String name, String... secrets) {
        resources.put(kind, new Resource(kind, name, true, null, null, List.of(secrets), false));
        return this;
    }

    /** A string of tenant A no caller of another tenant may ever get (a name, a count's label). */
    public SecurityFixture secret(String value) {
        tenantSecrets.add(value);
        return this;
    }

    /** Path parameter {@code name} in every path takes the id of the seeded {@code kind}. */
    public SecurityFixture param(String name, String kind) {
        return param("*", name, kind);
    }

    /** Path parameter {@code name} of the paths starting with {@code pathTemplate} takes the id of the seeded {@code kind}. */
    public SecurityFixture param(String pathTemplate, String name, String kind) {
        bindings.put(pathTemplate + "#" + name, new Binding(kind, null));
        return this;
    }

    /** Path parameter {@code name} of the paths starting with {@code pathTemplate} ({@code *}: every path) is this fixed value. */
    public SecurityFixture literal(String pathTemplate, String name, String value) {
        bindings.put(pathTemplate + "#" + name, new Binding(null, value));
        return this;
    }

    /** The query parameter {@code name} takes this value wherever a request needs it. */
    public SecurityFixture query(String name, String value) {
        queryValues.put(name, value);
        return this;
    }

    /** The JSON body the matrix sends to {@code operation} ({@code "POST /api/deals"}) instead of a generated one. */
    public SecurityFixture body(String operation, String json) {
        bodies.put(operation, json);
        return this;
    }

    /**
     * An operation open without a token (its own credential); the matrix and the token attacks leave it out, the
     * hostile-input tests and the fuzzer call it without a token but with these headers (e.g. a form key).
     */
    public SecurityFixture publicOperation(String operation, String why, String... headerNamesAndValues) {
        publicOperations.put(operation, why);
        publicHeaders.put(operation, List.of(headerNamesAndValues));
        return this;
    }

    /** An operation the fuzzer leaves out (it starts a long job, renders a PDF, ...). */
    public SecurityFixture notFuzzed(String operation, String why) {
        notFuzzed.put(operation, why);
        return this;
    }

    /** The binding of the longest path prefix declared for the parameter, else the one for every path. */
    Binding binding(String pathTemplate, String name) {
        Binding best = null;
        int bestLength = -1;
        for (var entry : bindings.entrySet()) {
            String key = entry.getKey();
            String prefix = key.substring(0, key.lastIndexOf('#'));
            if (!key.substring(key.lastIndexOf('#') + 1).equals(name)) {
                continue;
            }
            boolean matches = prefix.equals("*") || pathTemplate.startsWith(prefix);
            int length = prefix.equals("*") ? 0 : prefix.length();
            if (matches && length > bestLength) {
                best = entry.getValue();
                bestLength = length;
            }
        }
        return best;
    }

    Set<String> kinds() {
        return resources.keySet();
    }

    record Resource(
            String kind,
            String id,
            boolean tenantWide,
            String ownerId,
            String departmentId,
            List<String> secrets,
            boolean idIsSecret) {}

    record Binding(String kind, String literal) {}
}
