package org.opencrm.tasks;

import org.opencrm.testkit.ServiceConformanceTest;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class TasksServiceConformanceTest extends ServiceConformanceTest {

    @Override
    protected String apiPath() {
        return "/api/tasks";
    }
}
