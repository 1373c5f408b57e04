package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.opencrm.events.deals.DealDocumentGenerated;
import org.opencrm.events.deals.DocumentKind;
import org.opencrm.platform.events.EventJson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/** An invoice rendered from the tenant's template is a real PDF with the client, the items and the total. */
class DocumentPdfTest extends DealsTestSupport {

    static final String INVOICE = """
            <html><head><style>body { font-family: sans-serif; } td { padding: 2px; }</style></head>
            <body><h1>Invoice {{document.number}}</h1>
            <p>Seller: {{tenant.name}}</p>
            <p>Client: {{client.name}}, {{client.address}}, {{client.city}}</p>
            <p>For: {{deal.title}}</p>
            {{items}}
            <p>Net {{totals.net}} Tax {{totals.tax}} Total due: {{totals.total}} {{deal.currency}}</p>
            <p>{{tenant.paymentDetails}}</p>
            <img src="http://169.254.169.254/latest/meta-data/"/>
            </body></html>
            """;

    @Autowired
    MongoTemplate mongo;

    @Test
    void anInvoicePdfContainsTheClientsNameTheItemsAndTheTotal() throws Exception {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var settings = send("PUT", "/api/deal-settings", admin(tenant), """
                {"lossReasons": [{"key": "price", "name": "Price"}], "companyName": "Okna GmbH",
                 "paymentDetails": "IBAN DE02 1203 0000 0000 2020 51\\nBIC BYLADEM1001"}
                """, null);
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        var template = post(
                "/api/document-templates",
                admin(tenant),
                "{\"kind\": \"INVOICE\", \"name\": \"Invoice\", \"html\": " + json(INVOICE) + "}");
        assertThat(template.statusCode()).as(template.body()).isEqualTo(201);
        String templateId = read(template, "$.id");
        publish(LeadToDealTest.contact(tenant, "c-7", "Anna Schmidt <b>& Co</b>"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-7")), "clients"));
        var created = post("/api/deals", token, "{\"title\": \"Windows\", \"contactId\": \"c-7\"}");
        String dealId = read(created, "$.id");
        var priced = send("PUT", "/api/deals/" + dealId + "/items", token, """
                {"currency": "EUR", "items": [
                  {"productCode": "W-120", "name": "PVC window 120x150", "quantity": 2, "unit": "pcs",
                   "unitPrice": 350.00, "discountPercent": 10, "taxPercent": 19},
                  {"name": "Installation", "quantity": 1, "unitPrice": "120", "taxPercent": 19}]}
                """, etag(created));
        assertThat(priced.statusCode()).as(priced.body()).isEqualTo(200);
        assertThat(decimal(priced, "/totals/total")).isEqualTo("892.50");
        assertThat(decimal(priced, "/amount/amount")).isEqualTo("892.50");

        var generated = post("/api/deals/" + dealId + "/documents", token, "{\"templateId\": \"" + templateId + "\"}");
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(201);
        String documentId = read(generated, "$.id");
        var pdf = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/api/deals/" + dealId + "/documents/" + documentId))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
        String text;
        try (var document = Loader.loadPDF(pdf.body())) {
            text = new PDFTextStripper().getText(document);
        }
        assertThat(text)
                .contains("Anna Schmidt <b>& Co</b>")
                .contains("Hauptstr. 1")
                .contains("PVC window 120x150")
                .contains("Installation")
                .contains("749.70")
                .contains("142.80")
                .contains("Total due: 892.50 EUR")
                .contains("Okna GmbH")
                .contains("BIC BYLADEM1001");
        try (var events = dealEvents()) {
            var event = EventJson.read(
                    events.await(ofDeal(dealId, "DealDocumentGenerated"), 1, Duration.ofSeconds(30))
                            .getFirst()
                            .value(),
                    DealDocumentGenerated.class);
            assertThat(event.documentId()).isEqualTo(documentId);
            assertThat(event.documentKind()).isEqualTo(DocumentKind.INVOICE);
            assertThat(event.templateId()).isEqualTo(templateId);
        }
        // A manager of another department can neither list nor fetch it.
        String other = manager(tenant, "m9", "service");
        assertThat(get("/api/deals/" + dealId + "/documents/" + documentId, other)
                        .statusCode())
                .isEqualTo(404);
        assertThat(get("/api/deals/" + dealId + "/documents", token).body()).contains(documentId);
    }

    static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
