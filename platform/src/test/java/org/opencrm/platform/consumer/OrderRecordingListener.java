package org.opencrm.platform.consumer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventRecords;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Records, per deal, the order in which the listener saw its events' versions, and which listener threads and
 * partitions were busy: the consumer kit's concurrency must spread a topic's partitions over threads while each
 * deal (one key, so one partition) is still handled in order. Takes a little time per record, as a database write
 * would, so that the threads really overlap.
 */
class OrderRecordingListener {

    static final String TOPIC = "crm.consumer-kit-order-test.v1";
    static final int PARTITIONS = 3;
    static final String LISTENER_ID = "consumer-kit-order-test";

    final Map<String, List<Long>> versions = new ConcurrentHashMap<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final Set<Integer> partitions = ConcurrentHashMap.newKeySet();

    /** Created with the context, before the listener subscribes (a subscription would create it with one). */
    @Bean
    static NewTopic orderTestTopic() {
        return TopicBuilder.name(TOPIC).partitions(PARTITIONS).build();
    }

    @KafkaListener(id = LISTENER_ID, topics = TOPIC, groupId = "consumer-kit-order-test")
    void on(ConsumerRecord<String, String> record) throws InterruptedException {
        var decoded = EventRecords.decode(record);
        if (decoded.isEmpty() || !(decoded.get() instanceof DealStageChanged moved)) {
            return;
        }
        threads.add(Thread.currentThread().getName());
        partitions.add(record.partition());
        Thread.sleep(2);
        versions.computeIfAbsent(moved.aggregateId(), id -> new CopyOnWriteArrayList<>())
                .add(moved.aggregateVersion());
    }
}
