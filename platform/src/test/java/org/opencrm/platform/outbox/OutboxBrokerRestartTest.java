package org.opencrm.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.platform.outbox.OutboxTesting.ofTenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Topics;
import org.opencrm.testkit.KafkaBrokerProcess;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Publishing survives the broker dying: writes go on while it is down (the outbox holds their events),
 * and once it is back every event arrives, in order. The broker runs as a process of its own so it can be
 * killed like a real one.
 */
@SpringBootTest(classes = OutboxTestApplication.class, properties = "crm.outbox.enabled=false")
@UseTestInfrastructure
class OutboxBrokerRestartTest {

    private static KafkaBrokerProcess broker;

    @Autowired
    MongoTemplate mongo;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.start();
    }

    @AfterAll
    static void removeBroker() {
        broker.close();
    }

    @Test
    void eventsWrittenWhileTheBrokerIsDownArePublishedWhenItIsBack() {
        String tenant = OutboxTesting.newTenant();
        Actor manager = Actor.user("manager");
        var relay = OutboxTesting.relay(mongo, broker.bootstrapServers(), OutboxTesting.fastProperties());
        List<String> written = new ArrayList<>();
        var deal = TestDeal.open(tenant, manager);
        written.add(deal.getOutbox().getLast().eventId());
        mongo.save(deal);
        try (var reader = KafkaTestConsumer.subscribe(broker.bootstrapServers(), Topics.DEALS)) {
            relay.start();
            written.addAll(move(deal.getId(), 5, manager));
            reader.await(r -> ofTenant(r, tenant), written.size(), Duration.ofSeconds(30));

            broker.kill();
            written.addAll(move(deal.getId(), 5, manager));
            assertThat(mongo.findById(deal.getId(), TestDeal.class).getOutbox())
                    .as("the outbox holds what the broker could not take")
                    .isNotEmpty();
            broker.restart();
            written.addAll(move(deal.getId(), 5, manager));

            var records = reader.await(r -> ofTenant(r, tenant), written.size(), Duration.ofSeconds(60));
            assertThat(records).extracting(OutboxTesting::eventId).containsExactlyElementsOf(written);
        } finally {
            relay.stop();
        }
    }

    private List<String> move(String id, int times, Actor by) {
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            var deal = mongo.findById(id, TestDeal.class);
            eventIds.add(deal.moveTo("stage-" + deal.getEventSequence(), by).eventId());
            mongo.save(deal);
        }
        return eventIds;
    }
}
