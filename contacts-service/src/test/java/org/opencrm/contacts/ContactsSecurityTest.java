package org.opencrm.contacts;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.security.SecurityFixture;
import org.opencrm.testkit.security.ServiceSecurityTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The security suite (docs/reliability.md) on contacts-service: a card of department d1 assigned to another user,
 * a segment, an import, a form key, a call, and the tenant's custom field and appeal topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class ContactsSecurityTest extends ServiceSecurityTest {

    @Override
    protected void queries(SecurityFixture fixture) {
        fixture.query("phone", "+49 30 901820");
    }

    @Override
    protected void seed(SecurityFixture fixture) {
        String admin = tokenA(D1, "ADMIN");
        String secret = "zzsecret" + tenantA.replace("-", "");
        call("POST", "/api/contacts/custom-fields", admin, """
                {"key": "budget", "label": "%s-field", "type": "TEXT"}""".formatted(secret));
        call("PUT", "/api/contacts/appeal-topics/warranty", admin, """
                {"label": "%s-topic"}""".formatted(secret));
        String contactId = read(call("POST", "/api/contacts", admin, """
                {"kind": "PERSON", "firstName": "%s-card", "lastName": "Card", "ownerId": "%s", "departmentId": "%s",
                 "phones": [{"number": "+49 30 901820", "type": "MOBILE"}], "emails": ["%s-card@example.org"]}
                """.formatted(secret, OWNER, D1, secret)), "id");
        String duplicateId =
                read(call("POST", "/api/contacts?allowDuplicate=true", admin, """
                {"kind": "PERSON", "firstName": "%s-twin", "lastName": "Card", "ownerId": "%s", "departmentId": "%s"}
                """.formatted(secret, OWNER, D1)), "id");
        String segmentId = read(call("POST", "/api/contacts/segments", admin, """
                {"name": "%s-segment", "filter": {"q": "Card"}}""".formatted(secret)), "id");
        var formKey = call("POST", "/api/leads/form-keys", admin, """
                {"name": "%s-form", "departmentId": "%s"}""".formatted(secret, D1));
        String formKeyId = read(formKey, "id");
        String callId = "pbx-" + UUID.randomUUID();
        call("POST", "/api/telephony/calls", tokenA(D1, "INTEGRATION"), """
                {"externalCallId": "%s", "from": "+49 30 901820", "to": "100", "direction": "INBOUND",
                 "operatorId": "%s"}""".formatted(callId, OWNER));
        String importId = read(importOneCard(admin, secret), "id");
        fixture.record("contact", contactId, OWNER, D1, secret + "-card", "901820")
                .record("twin", duplicateId, OWNER, D1, secret + "-twin")
                .record("call", callId, OWNER, D1)
                .tenantWide("segment", segmentId, secret + "-segment")
                .tenantWide("import", importId)
                .tenantWide("formKey", formKeyId, secret + "-form")
                .tenantWideNamed("customField", "budget", secret + "-field")
                .tenantWideNamed("appealTopic", "warranty", secret + "-topic")
                .secret(secret)
                .param("/api/contacts/", "id", "contact")
                .param("/api/contacts/segments/", "id", "segment")
                .param("/api/contacts/imports/", "id", "import")
                .param("/api/leads/form-keys/", "id", "formKey")
                .param("/api/contacts/custom-fields/", "key", "customField")
                .param("/api/contacts/appeal-topics/", "key", "appealTopic")
                .param("externalCallId", "call")
                .body("POST /api/contacts/{id}/merge", "{\"duplicateId\": \"" + duplicateId + "\"}")
                .publicOperation(
                        "POST /api/leads",
                        "website forms post with their X-Form-Key, no token",
                        "X-Form-Key",
                        read(formKey, "key"))
                .notFuzzed("POST /api/contacts/imports", "starts an import job")
                .notFuzzed("POST /api/contacts/duplicates/scan", "scans the tenant");
    }

    private Response importOneCard(String token, String secret) {
        String boundary = "b-" + UUID.randomUUID();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"options\"\r\nContent-Type: application/json\r\n\r\n"
                + "{\"duplicatePolicy\": \"SKIP\", \"defaultDepartmentId\": \"" + D1 + "\","
                + " \"mapping\": {\"First name\": \"firstName\", \"Last name\": \"lastName\"}}\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"clients.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nFirst name,Last name\r\n" + secret + "-import,Row\r\n"
                + "--" + boundary + "--\r\n";
        var response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/contacts/imports"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        if (response.status() / 100 != 2) {
            throw new IllegalStateException("import: " + response.status() + " " + response.body());
        }
        return response;
    }
}
