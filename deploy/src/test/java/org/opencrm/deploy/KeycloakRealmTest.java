package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/keycloak/crm-realm.json yields the tokens docs/security.md describes, for the same demo users
 * the identity app has (identity/src/main/resources/application.yml), and compose points the services at it.
 */
class KeycloakRealmTest {

    static final JsonNode REALM = Repo.json(Repo.path("deploy/compose/keycloak/crm-realm.json"));
    static final String SECURITY_DOC = Repo.read("docs/security.md");

    /** The claims table of docs/security.md: claim name -> its type column. */
    static Map<String, String> documentedClaims() {
        Map<String, String> claims = new LinkedHashMap<>();
        String table = SECURITY_DOC.substring(SECURITY_DOC.indexOf("## Claims"), SECURITY_DOC.indexOf("## Roles"));
        var row = Pattern.compile("^\\| `([a-z]+)` \\| ([^|]+) \\|", Pattern.MULTILINE)
                .matcher(table);
        while (row.find()) {
            claims.put(row.group(1), row.group(2).strip());
        }
        return claims;
    }

    static Set<String> documentedRoles() {
        var line = Pattern.compile("any of ((?:`[A-Z]+`,? ?)+)").matcher(SECURITY_DOC);
        assertThat(line.find()).as("docs/security.md lists the roles").isTrue();
        Set<String> roles = new TreeSet<>();
        var role = Pattern.compile("`([A-Z]+)`").matcher(line.group(1));
        while (role.find()) {
            roles.add(role.group(1));
        }
        return roles;
    }

    static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    static List<String> strings(JsonNode array) {
        return list(array).stream().map(JsonNode::asText).toList();
    }

    static JsonNode client(String clientId) {
        return list(REALM.path("clients")).stream()
                .filter(c -> c.path("clientId").asText().equals(clientId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no client " + clientId));
    }

    @Test
    void everyClientThatIssuesTokensMapsTheDocumentedClaimsAndTheAudience() {
        Map<String, String> claims = documentedClaims();
        assertThat(claims).containsKeys("sub", "tenant", "departments", "roles");
        for (String clientId : List.of("crm-console", "crm-integration")) {
            Map<String, JsonNode> mapped = new LinkedHashMap<>();
            for (JsonNode mapper : list(client(clientId).path("protocolMappers"))) {
                JsonNode config = mapper.path("config");
                assertThat(config.path("access.token.claim").asText())
                        .as(clientId)
                        .isEqualTo("true");
                if (config.has("claim.name")) {
                    mapped.put(config.path("claim.name").asText(), mapper);
                }
                if (mapper.path("protocolMapper").asText().equals("oidc-audience-mapper")) {
                    assertThat(config.path("included.client.audience").asText())
                            .as("%s: aud carries crm-api", clientId)
                            .isEqualTo("crm-api");
                    mapped.put("aud", mapper);
                }
            }
            assertThat(mapped).as(clientId).containsKeys("aud");
            claims.forEach((claim, type) -> {
                if (claim.equals("sub")) {
                    return; // Keycloak's built-in "basic" scope: the user id, set to the username below
                }
                assertThat(mapped).as("%s maps claim %s", clientId, claim).containsKey(claim);
                boolean array = type.startsWith("array");
                assertThat(mapped.get(claim).path("config").path("multivalued").asText())
                        .as("%s: %s is %s", clientId, claim, type)
                        .isEqualTo(String.valueOf(array));
            });
            assertThat(mapped.get("roles").path("protocolMapper").asText())
                    .as("roles are realm roles, as a top-level claim")
                    .isEqualTo("oidc-usermodel-realm-role-mapper");
        }
        assertThat(client("crm-api").path("bearerOnly").asBoolean()).isTrue();
    }

    @Test
    void realmRolesAreExactlyThePlatformsRoles() {
        List<String> roles = list(REALM.path("roles").path("realm")).stream()
                .map(r -> r.path("name").asText())
                .toList();
        assertThat(roles).containsExactlyInAnyOrderElementsOf(documentedRoles());
    }

    @Test
    void demoUsersAreTheIdentityAppsUsersWithTheSameTenantRolesAndDepartments() {
        JsonNode identity = Repo.yaml(Repo.path("identity/src/main/resources/application.yml"))
                .path("crm")
                .path("identity");
        String tenant = identity.path("tenant").asText();
        Map<String, JsonNode> realmUsers = new LinkedHashMap<>();
        list(REALM.path("users")).stream()
                .filter(u -> !u.has("serviceAccountClientId"))
                .forEach(u -> realmUsers.put(u.path("username").asText(), u));
        List<String> expected = new ArrayList<>();
        for (JsonNode user : list(identity.path("users"))) {
            String username = user.path("username").asText();
            expected.add(username);
            JsonNode realmUser = realmUsers.get(username);
            assertThat(realmUser).as("realm user %s", username).isNotNull();
            assertThat(realmUser.path("id").asText())
                    .as("sub = username, as identity issues it")
                    .isEqualTo(username);
            assertThat(strings(realmUser.path("attributes").path("tenant"))).containsExactly(tenant);
            assertThat(strings(realmUser.path("attributes").path("departments")))
                    .as("%s departments", username)
                    .containsExactlyInAnyOrderElementsOf(strings(user.path("departments")));
            assertThat(strings(realmUser.path("realmRoles")))
                    .as("%s roles", username)
                    .containsExactlyInAnyOrderElementsOf(strings(user.path("roles")));
            // a profile Keycloak considers complete, or the first login demands one
            assertThat(realmUser.path("firstName").asText()).isNotBlank();
            assertThat(realmUser.path("lastName").asText()).isNotBlank();
            assertThat(realmUser.path("email").asText()).contains("@");
            assertThat(list(realmUser.path("credentials")))
                    .singleElement()
                    .satisfies(c -> assertThat(c.path("temporary").asBoolean()).isFalse());
        }
        assertThat(realmUsers.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theIntegrationClientsServiceAccountCarriesTheTenantAndTheIntegrationRole() {
        JsonNode account = list(REALM.path("users")).stream()
                .filter(u -> u.path("serviceAccountClientId").asText().equals("crm-integration"))
                .findFirst()
                .orElseThrow();
        assertThat(account.path("id").asText()).as("sub = the client id").isEqualTo("crm-integration");
        assertThat(strings(account.path("realmRoles"))).containsExactly("INTEGRATION");
        assertThat(strings(account.path("attributes").path("tenant"))).containsExactly("demo");
        assertThat(client("crm-integration").path("serviceAccountsEnabled").asBoolean())
                .isTrue();
        assertThat(client("crm-console").path("publicClient").asBoolean()).isTrue();
        assertThat(client("crm-console")
                        .path("attributes")
                        .path("pkce.code.challenge.method")
                        .asText())
                .isEqualTo("S256");
    }

    @Test
    void tenantAndDepartmentsAreDeclaredInTheUserProfileAndOnlyAdminsMayChangeThem() throws Exception {
        JsonNode provider = REALM.path("components")
                .path("org.keycloak.userprofile.UserProfileProvider")
                .get(0);
        JsonNode profile = Repo.JSON.readTree(
                provider.path("config").path("kc.user.profile.config").get(0).asText());
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        list(profile.path("attributes"))
                .forEach(a -> attributes.put(a.path("name").asText(), a));
        assertThat(attributes).containsKeys("username", "email", "firstName", "lastName", "tenant", "departments");
        for (String name : List.of("tenant", "departments")) {
            assertThat(strings(attributes.get(name).path("permissions").path("edit")))
                    .as("a user must not move to another tenant or department")
                    .containsExactly("admin");
        }
        assertThat(attributes.get("departments").path("multivalued").asBoolean())
                .isTrue();
    }

    @Test
    void composeImportsThisRealmAndTheServicesTrustItsIssuerAndKeys() {
        var keycloak = ComposeFileTest.COMPOSE.services().get("keycloak");
        assertThat(keycloak.command()).contains("--import-realm");
        assertThat(keycloak.volumes())
                .contains("./keycloak/crm-realm.json:/opt/keycloak/data/import/crm-realm.json:ro");
        String realm = REALM.path("realm").asText();
        String issuer = keycloak.environment().get("KC_HOSTNAME") + "/realms/" + realm;
        ComposeFileTest.appServices().forEach((module, name) -> {
            var env = ComposeFileTest.environment(
                    ComposeFileTest.COMPOSE.services().get(name));
            assertThat(env).as(name).containsEntry("CRM_JWT_ISSUER", issuer);
            assertThat(env)
                    .as(name)
                    .containsEntry(
                            "CRM_JWT_JWK_SET_URI",
                            "http://keycloak:8080/realms/" + realm + "/protocol/openid-connect/certs");
            assertThat(env).as(name).containsEntry("CRM_JWT_AUDIENCE", "crm-api");
        });
    }
}
