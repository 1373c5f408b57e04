package org.opencrm.analytics;

import org.opencrm.testkit.ServiceConformanceTest;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class AnalyticsServiceConformanceTest extends ServiceConformanceTest {

    @Override
    protected String apiPath() {
        return "/api/analytics/funnel";
    }
}
