package org.opencrm.deals;

import java.nio.charset.StandardCharsets;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.security.SecurityFixture;
import org.opencrm.testkit.security.ServiceSecurityTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The security suite (docs/reliability.md) on deals-service: a deal of department d1 assigned to another user,
 * its generated document and attachment, a tenant's own pipeline and document template.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class DealsSecurityTest extends ServiceSecurityTest {

    @Override
    protected void seed(SecurityFixture fixture) {
        String admin = tokenA(D1, "ADMIN");
        String secret = "zzsecret-" + tenantA;
        String templateId = read(call("POST", "/api/document-templates", admin, """
                        {"kind": "INVOICE", "name": "%s-template", "html": "<html><body><p>Invoice</p></body></html>"}
                        """.formatted(secret)), "id");
        String pipelineId = read(call("POST", "/api/pipelines", admin, """
                {"name": "%s-pipeline", "departmentId": "%s", "stages": [
                  {"key": "new", "name": "New", "probability": 10, "kind": "OPEN"},
                  {"key": "won", "name": "Won", "probability": 100, "kind": "WON"},
                  {"key": "lost", "name": "Lost", "probability": 0, "kind": "LOST"}]}
                """.formatted(secret, D1)), "id");
        String dealId = read(call("POST", "/api/deals", admin, """
                {"title": "%s-deal", "ownerId": "%s", "departmentId": "%s", "pipelineId": "%s"}
                """.formatted(secret, OWNER, D1, pipelineId)), "id");
        String documentId =
                read(call("POST", "/api/deals/" + dealId + "/documents", admin, """
                {"templateId": "%s"}""".formatted(templateId)), "id");
        String attachmentId = read(
                upload(
                        "/api/deals/" + dealId + "/attachments",
                        admin,
                        "plan.txt",
                        "text/plain",
                        "a plan".getBytes(StandardCharsets.UTF_8)),
                "id");
        fixture.record("deal", dealId, OWNER, D1, secret + "-deal")
                .record("document", documentId, OWNER, D1)
                .record("attachment", attachmentId, OWNER, D1)
                .tenantWide("pipeline", pipelineId, secret + "-pipeline")
                .tenantWide("template", templateId, secret + "-template")
                .param("dealId", "deal")
                .param("documentId", "document")
                .param("attachmentId", "attachment")
                .param("/api/deals/", "id", "deal")
                .param("/api/pipelines/", "id", "pipeline")
                .param("/api/document-templates/", "id", "template")
                .notFuzzed("POST /api/deals/{dealId}/documents", "renders a PDF per request");
    }
}
