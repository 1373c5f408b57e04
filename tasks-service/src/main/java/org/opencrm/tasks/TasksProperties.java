package org.opencrm.tasks;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of tasks-service ({@code crm.tasks.*}).
 *
 * @param dealsUrl base URL of deals-service, called to close a deal when a task is completed
 * @param deals timeouts, retries and circuit breaker of that call
 * @param sla overdue, due-soon and reassignment detection
 * @param nextStepGrace how long an open deal may be without an open task before it counts as an episode
 *     (gives automation rules reacting to the same event time to create the next task)
 */
@ConfigurationProperties("crm.tasks")
public record TasksProperties(
        @DefaultValue("http://127.0.0.1:8082") URI dealsUrl,
        @DefaultValue Deals deals,
        @DefaultValue Sla sla,
        @DefaultValue("PT1M") Duration nextStepGrace) {

    /**
     * @param connectTimeout connection timeout per attempt
     * @param readTimeout response timeout per attempt
     * @param attempts attempts for failures that certainly did not reach deals-service
     * @param retryWait pause between attempts
     * @param failureRateThreshold percent of failed calls in the window that opens the circuit
     * @param minimumCalls calls in the window before the rate counts
     * @param openFor how long an open circuit refuses calls before letting a probe through
     */
    public record Deals(
            @DefaultValue("PT1S") Duration connectTimeout,
            @DefaultValue("PT3S") Duration readTimeout,
            @DefaultValue("3") int attempts,
            @DefaultValue("PT0.2S") Duration retryWait,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("PT30S") Duration openFor) {}

    /**
     * @param scanInterval how often the due index is read; detection happens at most this late
     * @param batchSize timers handled per scan and kind
     * @param dueSoonLead how long before due a {@code TaskDueSoon} fires
     * @param defaultReassignmentDelay delay after overdue before reassignment, for teams that set none
     * @param absenceSweepInterval how often open tasks of absent members are looked for (besides on team edits)
     */
    public record Sla(
            @DefaultValue("PT1S") Duration scanInterval,
            @DefaultValue("500") int batchSize,
            @DefaultValue("PT15M") Duration dueSoonLead,
            @DefaultValue("PT30M") Duration defaultReassignmentDelay,
            @DefaultValue("PT5M") Duration absenceSweepInterval) {}
}
