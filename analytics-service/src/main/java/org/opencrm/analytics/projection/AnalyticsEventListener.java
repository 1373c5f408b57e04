package org.opencrm.analytics.projection;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.platform.events.EventRecords;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The live feed: every event of the topics analytics reports on goes into the current projection version,
 * and into the version a rebuild is building, if any ({@link AnalyticsTopics}).
 */
@Component
class AnalyticsEventListener {

    static final String GROUP = "analytics-service";

    private final FactWriter writer;
    private final ProjectionPointer pointer;

    AnalyticsEventListener(FactWriter writer, ProjectionPointer pointer) {
        this.writer = writer;
        this.pointer = pointer;
    }

    @KafkaListener(topics = "#{T(org.opencrm.analytics.projection.AnalyticsTopics).ALL}", groupId = GROUP)
    void on(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            for (ProjectionCollections target : pointer.writeTargets()) {
                writer.apply(event, target);
            }
        });
    }
}
