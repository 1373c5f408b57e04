package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.CommittedApiDocuments;

/**
 * {@code docs/api/openapi.json} is what the gateway serves at {@code /v3/api-docs} when the services serve
 * their committed documents ({@code docs/api/<service>.json}, kept by each service's conformance test): the
 * merged document of the real routes, without starting the platform. {@code -Dcrm.api-docs.update=true}
 * rewrites it.
 */
class CommittedApiDocumentTest extends GatewayTestSupport {

    @AfterEach
    void forgetDocuments() {
        SERVICES.values().forEach(service -> service.apiDocs("{}"));
    }

    @Test
    void theCommittedMergedDocumentIsWhatTheGatewayServesForTheCommittedServiceDocuments() throws Exception {
        for (var service : SERVICES.entrySet()) {
            Path file = CommittedApiDocuments.fileOf(service.getKey());
            assertThat(file)
                    .as(
                            "%s's committed document; its conformance test writes it with -D%s=true",
                            service.getKey(), CommittedApiDocuments.UPDATE_PROPERTY)
                    .exists();
            service.getValue().apiDocs(Files.readString(file));
        }

        var merged = get("/v3/api-docs", null);

        assertThat(merged.statusCode()).isEqualTo(200);
        assertThat(merged.body()).doesNotContain("x-crm-unavailable");
        CommittedApiDocuments.compareOrWrite(
                CommittedApiDocuments.fileOf("openapi"),
                merged.body() + "\n",
                "./crm mvn -B -ntp -o -pl gateway verify -Dtest=CommittedApiDocumentTest -D"
                        + CommittedApiDocuments.UPDATE_PROPERTY + "=true");
    }
}
