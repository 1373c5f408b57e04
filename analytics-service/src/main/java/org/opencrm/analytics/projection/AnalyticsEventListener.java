package org.opencrm.analytics.projection;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.CrmEvent;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.platform.events.PoisonEventException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * The live feed: every event of the topics analytics reports on goes into the current projection version,
 * and into the version a rebuild is building, if any ({@link AnalyticsTopics}).
 *
 * <p>It takes a poll's records as one batch and writes them with a few bulk commands ({@link FactWriter}): per
 * event writes cost several database round trips each and kept ingestion far below the rate the topics
 * deliver. A failure names the batch's first record not yet applied, so the platform's error handler retries
 * from there and, after its retries, sends only that record to the dead-letter topic, as for a record
 * listener; a record that can never be read goes there at once.
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

    @KafkaListener(
            topics = "#{T(org.opencrm.analytics.projection.AnalyticsTopics).ALL}",
            groupId = GROUP,
            batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        List<CrmEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                EventRecords.decode(records.get(i)).ifPresent(events::add);
            } catch (PoisonEventException poison) {
                // the records before it are applied and committed; the poison goes to the dead-letter topic
                write(events);
                throw new BatchListenerFailedException(poison.getMessage(), poison, i);
            }
        }
        write(events);
    }

    private void write(List<CrmEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            for (ProjectionCollections target : pointer.writeTargets()) {
                writer.apply(events, target);
            }
        } catch (RuntimeException e) {
            throw new BatchListenerFailedException("writing the batch's facts failed", e, 0);
        }
    }
}
