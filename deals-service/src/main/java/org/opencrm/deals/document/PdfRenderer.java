package org.opencrm.deals.document;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Element;
import org.springframework.stereotype.Component;

/**
 * HTML template to PDF. Placeholders {@code {{name}}} are replaced by values that were HTML-escaped by the
 * caller (or are markup this service built, like the items table), jsoup turns the tenant's HTML into
 * well-formed XHTML, and openhtmltopdf renders it. A template loads nothing from outside: scripts and
 * links are dropped and the renderer refuses every URI but {@code data:}, so a template cannot make the
 * service fetch internal addresses.
 */
@Component
class PdfRenderer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*}}");

    byte[] render(String templateHtml, Map<String, String> safeValues) {
        Matcher matcher = PLACEHOLDER.matcher(templateHtml);
        var filled = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(filled, Matcher.quoteReplacement(safeValues.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(filled);
        var html = Jsoup.parse(filled.toString());
        html.select("script, link, iframe, object, embed, base, meta[http-equiv]")
                .remove();
        for (Element element : html.getAllElements()) {
            for (String attribute : new String[] {"src", "href", "background"}) {
                if (element.hasAttr(attribute) && !element.attr(attribute).startsWith("data:")) {
                    element.removeAttr(attribute);
                }
            }
        }
        var out = new ByteArrayOutputStream();
        try {
            var builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.useExternalResourceAccessControl(
                    (uri, type) -> uri != null && uri.startsWith("data:"),
                    ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
            builder.useExternalResourceAccessControl(
                    (uri, type) -> uri != null && uri.startsWith("data:"),
                    ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
            builder.withW3cDocument(new W3CDom().fromJsoup(html), null);
            builder.toStream(out);
            builder.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
