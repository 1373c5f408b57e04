package org.opencrm.platform.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the outbox relay ({@code crm.outbox.*}).
 *
 * @param enabled whether this instance runs a relay (writers always record events)
 * @param source the CloudEvents source of published events; defaults to {@code /crm/<application name>}
 * @param markersCollection the collection of pending markers
 * @param threads relay threads; aggregates are published in parallel, one aggregate by one thread at a time
 * @param sweepInterval how often markers left behind (a crash, a failed publish) are looked for
 * @param markerGrace how long a marker is left alone after a writer touched it; must exceed the longest time
 *     one aggregate write can take, because until then the writer may still be storing the events
 * @param lease how long a relay owns an aggregate while publishing it; must exceed the producer's
 *     delivery timeout so two relays never publish one aggregate at once
 * @param sendTimeout how long to wait for the broker to acknowledge a batch
 * @param retryBackoff first delay before a failed publish is retried; doubles up to retryBackoffMax
 * @param sweepBatch about how many markers left behind the sweeper claims and publishes together (one claim, one
 *     read of their outboxes, one producer flush, one bulk write each to advance and to pull); the markers of one
 *     {@link AggregateBatchWriter} call are published together whatever their number
 */
@ConfigurationProperties("crm.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean enabled,
        String source,
        @DefaultValue("outbox_pending") String markersCollection,
        @DefaultValue("2") int threads,
        @DefaultValue("1s") Duration sweepInterval,
        @DefaultValue("10s") Duration markerGrace,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("500ms") Duration retryBackoff,
        @DefaultValue("30s") Duration retryBackoffMax,
        @DefaultValue("500") int sweepBatch) {}
