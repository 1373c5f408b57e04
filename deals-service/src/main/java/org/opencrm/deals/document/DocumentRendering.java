package org.opencrm.deals.document;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;
import org.opencrm.deals.client.ClientCopy;
import org.opencrm.deals.client.ClientDirectory;
import org.opencrm.deals.deal.Deal;
import org.opencrm.deals.deal.LineItem;
import org.opencrm.deals.deal.StageDocuments;
import org.opencrm.deals.deal.Totals;
import org.opencrm.deals.settings.DealSettingsService;
import org.opencrm.events.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Renders a deal's documents from the tenant's templates into GridFS and records
 * {@code DealDocumentGenerated} on the deal, which the caller saves.
 */
@Component
class DocumentRendering implements StageDocuments {

    private static final Logger log = LoggerFactory.getLogger(DocumentRendering.class);

    private final MongoTemplate mongo;
    private final ClientDirectory clients;
    private final DealSettingsService settings;
    private final PdfRenderer renderer;
    private final DocumentStore store;

    DocumentRendering(
            MongoTemplate mongo,
            ClientDirectory clients,
            DealSettingsService settings,
            PdfRenderer renderer,
            DocumentStore store) {
        this.mongo = mongo;
        this.clients = clients;
        this.settings = settings;
        this.renderer = renderer;
        this.store = store;
    }

    @Override
    public void renderOnEntry(Deal deal, String templateId, Actor by) {
        var template = template(deal.getTenantId(), templateId);
        if (template == null) {
            log.warn(
                    "Stage {} of deal {} names template {}, which does not exist",
                    deal.stage(),
                    deal.getId(),
                    templateId);
            return;
        }
        String documentId = render(deal, template, deal.stage(), by);
        deal.documentGenerated(documentId, template.id(), template.kind(), deal.stage(), by);
    }

    DocumentTemplate template(String tenantId, String templateId) {
        var template = mongo.findById(templateId, DocumentTemplate.class);
        return template == null || !template.tenantId().equals(tenantId) ? null : template;
    }

    String render(Deal deal, DocumentTemplate template, String enteredStage, Actor by) {
        var client = clients.find(deal.getTenantId(), deal.contactId())
                .filter(c -> !c.isErased())
                .orElse(null);
        var pdf = renderer.render(template.html(), values(deal, client));
        var metadata = new Document("tenantId", deal.getTenantId())
                .append("dealId", deal.getId())
                .append("templateId", template.id())
                .append("kind", template.kind().name())
                .append("contactId", deal.contactId())
                .append("clientName", client == null ? null : client.displayName())
                .append("stage", enteredStage)
                .append("generatedBy", by.id());
        String fileName = template.kind().name().toLowerCase() + "-" + deal.getId() + ".pdf";
        return store.store(pdf, fileName, metadata);
    }

    /** Every value HTML-escaped: a client named {@code <b>} prints as text, never as markup. */
    private Map<String, String> values(Deal deal, ClientCopy client) {
        var tenant = settings.of(deal.getTenantId());
        Map<String, String> v = new HashMap<>();
        v.put("deal.id", escape(deal.getId()));
        v.put("deal.title", escape(deal.title()));
        v.put("deal.stage", escape(deal.stage()));
        v.put("deal.currency", escape(deal.currency()));
        v.put("deal.amount", escape(plain(deal.amount())));
        v.put(
                "deal.expectedCloseDate",
                escape(
                        deal.expectedCloseDate() == null
                                ? null
                                : deal.expectedCloseDate().toString()));
        v.put("client.name", escape(client == null ? null : client.displayName()));
        v.put("client.city", escape(client == null ? null : client.city()));
        v.put("client.address", escape(client == null ? null : client.address()));
        v.put("tenant.name", escape(tenant.companyName()));
        v.put("tenant.paymentDetails", lines(tenant.paymentDetails()));
        v.put("document.date", LocalDate.now(ZoneOffset.UTC).toString());
        v.put("document.number", escape(deal.getId().substring(0, 8).toUpperCase()));
        if (deal.items().isEmpty()) {
            v.put("totals.net", escape(plain(deal.amount())));
            v.put("totals.tax", escape(plain(deal.amount() == null ? null : BigDecimal.ZERO)));
            v.put("totals.total", escape(plain(deal.amount())));
            v.put("items", "");
        } else {
            var totals = Totals.of(deal.items(), deal.currency());
            v.put("totals.net", escape(plain(totals.net())));
            v.put("totals.tax", escape(plain(totals.tax())));
            v.put("totals.total", escape(plain(totals.total())));
            v.put("items", itemsTable(deal));
        }
        return v;
    }

    private static String itemsTable(Deal deal) {
        var html = new StringBuilder(
                "<table class=\"items\"><thead><tr><th>Code</th><th>Item</th><th>Quantity</th>"
                        + "<th>Unit</th><th>Unit price</th><th>Discount %</th><th>Tax %</th><th>Total</th></tr></thead><tbody>");
        for (LineItem item : deal.items()) {
            html.append("<tr>");
            for (String cell : new String[] {
                item.productCode(),
                item.name(),
                plain(item.quantity()),
                item.unit(),
                plain(item.unitPrice()),
                plain(item.discountPercent()),
                plain(item.taxPercent()),
                plain(item.total())
            }) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static String lines(String text) {
        return text == null ? "" : escape(text).replace("\n", "<br/>");
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        var out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
