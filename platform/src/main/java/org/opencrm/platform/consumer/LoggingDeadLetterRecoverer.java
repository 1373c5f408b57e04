package org.opencrm.platform.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.EventHeaders;
import org.opencrm.platform.events.EventRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Dead-letters a record and makes it visible: an ERROR log line naming the record and the failure, and the
 * {@code crm.consumer.dead.lettered} counter per topic, so an alert fires before anyone misses an effect.
 */
class LoggingDeadLetterRecoverer implements ConsumerRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(LoggingDeadLetterRecoverer.class);

    private final DeadLetterPublishingRecoverer deadLetters;
    private final MeterRegistry meters;

    LoggingDeadLetterRecoverer(DeadLetterPublishingRecoverer deadLetters, MeterRegistry meters) {
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
        log.error(
                "Dead-lettering {}-{}@{} ({} {}): {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                EventRecords.header(record.headers(), EventHeaders.TYPE).orElse("no type"),
                EventRecords.header(record.headers(), EventHeaders.ID).orElse("no id"),
                cause.getClass().getName(),
                cause.getMessage(),
                cause);
        Counter.builder("crm.consumer.dead.lettered")
                .description("Records sent to a dead-letter topic after their retries")
                .tag("topic", record.topic())
                .register(meters)
                .increment();
        deadLetters.accept(record, exception);
    }
}
