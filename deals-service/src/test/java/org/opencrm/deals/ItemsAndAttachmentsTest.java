package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Exact money, line-item totals, hostile input, attachments with their limits. */
class ItemsAndAttachmentsTest extends DealsTestSupport {

    @Test
    void amountsKeepTheCurrencysMinorUnitsAndRefuseMore() {
        String token = manager(newTenant(), "m1", "sales");

        var yen = post(
                "/api/deals", token, "{\"title\": \"Tokyo\", \"amount\": {\"amount\": 150000, \"currency\": \"JPY\"}}");
        var fractionalYen = post(
                "/api/deals", token, "{\"title\": \"Tokyo\", \"amount\": {\"amount\": 1.5, \"currency\": \"JPY\"}}");
        var dinar = post(
                "/api/deals", token, "{\"title\": \"Kuwait\", \"amount\": {\"amount\": 0.125, \"currency\": \"KWD\"}}");
        var unknown =
                post("/api/deals", token, "{\"title\": \"X\", \"amount\": {\"amount\": 1, \"currency\": \"XYZ\"}}");
        var operator = post("/api/deals", token, "{\"title\": {\"$ne\": \"\"}}");
        var tenantField = post("/api/deals", token, "{\"title\": \"X\", \"tenantId\": \"other\"}");

        assertThat(decimal(yen, "/amount/amount")).isEqualTo("150000");
        assertThat(fractionalYen.statusCode()).isEqualTo(400);
        assertThat(decimal(dinar, "/amount/amount")).isEqualTo("0.125");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(operator.statusCode()).isEqualTo(400);
        assertThat(tenantField.statusCode()).isEqualTo(400);

        String dealId = read(yen, "$.id");
        var items = send(
                "PUT",
                "/api/deals/" + dealId + "/items",
                token,
                "{\"items\": [{\"name\": \"Tatami\", \"quantity\": 3, \"unitPrice\": 3333, \"discountPercent\": 10, \"taxPercent\": 10}]}",
                etag(yen));
        // 9999 less a discount of 999.9, rounded to 1000, is 8999 net; tax 899.9 rounds to 900: whole yen throughout.
        assertThat(items.statusCode()).as(items.body()).isEqualTo(200);
        assertThat(decimal(items, "/items/0/net")).isEqualTo("8999");
        assertThat(decimal(items, "/totals/total")).isEqualTo("9899");
        assertThat(decimal(items, "/amount/amount")).isEqualTo("9899");
        var directAmount = send(
                "PATCH",
                "/api/deals/" + dealId,
                token,
                "{\"amount\": {\"amount\": 1, \"currency\": \"JPY\"}}",
                etag(items));
        assertThat(directAmount.statusCode()).isEqualTo(409);
    }

    @Test
    void attachmentsAreStoredWithinTheSizeCapAndTypeAllowList() throws Exception {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String dealId = createDeal(token, "{\"title\": \"Measurements\"}");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};

        var uploaded = upload(dealId, token, "plan.png", "image/png", png);
        var exe = upload(dealId, token, "tool.exe", "application/x-msdownload", new byte[] {1, 2});
        var huge = upload(dealId, token, "huge.pdf", "application/pdf", new byte[5 * 1024 * 1024 + 1]);
        var foreign = upload(dealId, manager(tenant, "m9", "service"), "plan.png", "image/png", png);

        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(exe.statusCode()).isEqualTo(400);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(foreign.statusCode()).isEqualTo(404);
        String attachmentId = read(uploaded, "$.id");
        assertThat(get("/api/deals/" + dealId + "/attachments", token).body()).contains(attachmentId, "plan.png");
        var download = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/api/deals/" + dealId + "/attachments/" + attachmentId))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(png);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("image/png");
    }
}
