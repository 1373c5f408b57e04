package org.opencrm.deals.pipeline;

/**
 * One stage of a pipeline. The key is what deals and events refer to, so a rename (a new name) keeps the
 * stage's deals; the key itself never changes.
 *
 * @param slaHours how long a deal should stay at most; null for no SLA
 * @param idleAfterDays a deal untouched for this long counts as idle; null for never
 * @param templateId a document template rendered automatically when a deal enters the stage; null for none
 */
public record Stage(
        String key,
        String name,
        int probability,
        StageKind kind,
        Integer slaHours,
        Integer idleAfterDays,
        String templateId) {}
