package org.opencrm.contacts.transfer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code crm.contacts.import.*}.
 *
 * @param batchSize rows per batch and checkpoint
 * @param lease how long a claimed job is an instance's without a checkpoint; another instance takes it over after
 * @param pollInterval how often each instance looks for a job to run
 * @param threads jobs one instance runs at once
 * @param maxRejectionsKept rejected rows stored with their reasons; the rest are counted
 */
@ConfigurationProperties("crm.contacts.import")
public record ImportProperties(
        @DefaultValue("1000") int batchSize,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("1") int threads,
        @DefaultValue("1000") int maxRejectionsKept) {}
