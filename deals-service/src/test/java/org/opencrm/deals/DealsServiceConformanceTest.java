package org.opencrm.deals;

import org.opencrm.testkit.ServiceConformanceTest;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class DealsServiceConformanceTest extends ServiceConformanceTest {

    @Override
    protected String apiPath() {
        return "/api/deals";
    }
}
