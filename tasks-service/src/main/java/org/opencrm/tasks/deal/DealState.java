package org.opencrm.tasks.deal;

import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * tasks-service's copy of a deal, built from the deals topic (newest {@code aggregateVersion} wins), plus
 * when its last task ended: enough to enforce "next step or close" and to find deals without a next step.
 */
@Document(DealState.COLLECTION)
public record DealState(
        @Id String id,
        String tenantId,
        String pipelineId,
        String stage,
        String stageKind,
        boolean open,
        String ownerId,
        String departmentId,
        String contactId,
        String title,
        BigDecimal amount,
        String currency,
        String source,
        Instant openedAt,
        String lastTaskId,
        Instant lastTaskEndedAt) {

    public static final String COLLECTION = "deal_states";
}
