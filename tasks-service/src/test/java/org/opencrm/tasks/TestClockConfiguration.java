package org.opencrm.tasks;

import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;

@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

    @Bean
    @Primary
    Clock testClock() {
        return TestClock.INSTANCE;
    }

    @Bean
    BackgroundStepBetweenReadAndSave backgroundStepBetweenReadAndSave(MongoTemplate mongo) {
        return new BackgroundStepBetweenReadAndSave(mongo);
    }
}
