package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.jayway.jsonpath.JsonPath;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.notifications.delivery.Delivery;
import org.springframework.data.mongodb.core.query.Query;

/**
 * A campaign whose segment contacts-service cannot give (an error answer, a dropped connection, a page that is not
 * JSON), on the first page or after a good one: a 503 problem, and nothing queued for anyone. It was a 500 before
 * (docs/reliability.md).
 */
class CampaignContactsFailureTest extends NotificationsTestBase {

    @Test
    void aCampaignWhoseSegmentContactsServiceCannotGiveIsA503ProblemAndQueuesNothing() throws Exception {
        Map<String, ResponseDefinitionBuilder> failures = new LinkedHashMap<>();
        failures.put("500", aResponse().withStatus(500).withBody("boom"));
        failures.put("503", aResponse().withStatus(503));
        failures.put("401", aResponse().withStatus(401));
        failures.put("403", aResponse().withStatus(403));
        failures.put("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        failures.put("empty", aResponse().withFault(Fault.EMPTY_RESPONSE));
        failures.put("html", aResponse().withStatus(200).withBody("<html>proxy error</html>"));
        for (var failure : failures.entrySet()) {
            for (boolean onSecondPage : new boolean[] {false, true}) {
                String tenant = unique("t");
                String segment = "seg-" + failure.getKey() + "-" + onSecondPage + "-" + tenant;
                String members = "/api/contacts/segments/" + segment + "/members";
                if (onSecondPage) {
                    wiremock.stubFor(get(urlPathEqualTo(members))
                            .withQueryParam("cursor", absent())
                            .willReturn(okJson("""
                                    {"items":[{"id":"c-1","displayName":"Yan","emails":["yan@%s.test"],
                                      "consent":{"email":{"granted":true}}}],"next":"page-2"}""".formatted(tenant))));
                    wiremock.stubFor(get(urlPathEqualTo(members))
                            .withQueryParam("cursor", equalTo("page-2"))
                            .willReturn(failure.getValue()));
                } else {
                    wiremock.stubFor(get(urlPathEqualTo(members)).willReturn(failure.getValue()));
                }

                var response = call("POST", "/api/campaigns", admin(tenant), """
                        {"segmentId":"%s","channel":"EMAIL","subject":"Sale","body":"10%% off."}""".formatted(segment));

                String what = failure.getKey() + (onSecondPage ? " on the second page" : " on the first page");
                assertThat(response.statusCode())
                        .as(what + ": " + response.body())
                        .isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type"))
                        .as(what)
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(JsonPath.<String>read(response.body(), "$.type"))
                        .isEqualTo("https://opencrm.org/problems/service-unavailable");
                assertThat(response.headers().firstValue("Retry-After"))
                        .as(what)
                        .isPresent();
                assertThat(mongo.count(new Query(where("tenantId").is(tenant)), Delivery.COLLECTION))
                        .as(what + ": deliveries stored")
                        .isZero();
            }
        }
    }
}
