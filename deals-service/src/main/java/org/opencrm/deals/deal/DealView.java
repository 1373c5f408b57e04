package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.opencrm.deals.pipeline.Pipeline;

/**
 * A deal as the API shows it.
 *
 * @param stageDueAt when the stage's SLA runs out; null without an SLA or for a closed deal
 */
record DealView(
        String id,
        String title,
        String contactId,
        String companyId,
        String pipelineId,
        String stage,
        String stageName,
        String stageKind,
        Instant stageEnteredAt,
        Instant stageDueAt,
        MoneyView amount,
        String ownerId,
        String departmentId,
        String source,
        LocalDate expectedCloseDate,
        Map<String, String> customValues,
        String leadId,
        List<LineItem> items,
        Totals totals,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    record MoneyView(BigDecimal amount, String currency) {}

    static DealView of(Deal d, Pipeline pipeline) {
        var stage = pipeline == null ? null : pipeline.stage(d.stage()).orElse(null);
        Instant dueAt =
                stage == null || stage.slaHours() == null || d.stageKind().closed()
                        ? null
                        : d.stageEnteredAt().plusSeconds(stage.slaHours() * 3600L);
        return new DealView(
                d.getId(),
                d.title(),
                d.contactId(),
                d.companyId(),
                d.pipelineId(),
                d.stage(),
                stage == null ? null : stage.name(),
                d.stageKind().name(),
                d.stageEnteredAt(),
                dueAt,
                d.amount() == null ? null : new MoneyView(d.amount(), d.currency()),
                d.ownerId(),
                d.departmentId(),
                d.source(),
                d.expectedCloseDate(),
                d.customValues(),
                d.leadId(),
                d.items(),
                d.items().isEmpty() ? null : Totals.of(d.items(), d.currency()),
                d.createdAt(),
                d.updatedAt(),
                d.getVersion());
    }
}
