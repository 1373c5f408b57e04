package org.opencrm.tasks.deal;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.tasks.DealWithoutNextStep;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * tasks-service's follow-up record of one deal (id = deal id): it remembers which missing-next-step episode
 * it reported last, so each episode is reported once. An episode is named by what started it: the end of
 * a task ({@code task:<id>}) or the deal's (re)opening without one ({@code opened:<millis>}).
 */
@Document(DealFollowUp.COLLECTION)
class DealFollowUp extends AggregateRoot {

    static final String COLLECTION = "deal_follow_ups";

    private String reportedEpisode;

    DealFollowUp() {}

    DealFollowUp(String dealId, String tenantId) {
        super(dealId, tenantId);
    }

    /** @return false when this episode was reported already */
    boolean report(String episode, DealState deal, String lastTaskId, Instant since, Actor by, Instant now) {
        if (episode.equals(reportedEpisode)) {
            return false;
        }
        reportedEpisode = episode;
        var e = nextEvent(by, now);
        record(new DealWithoutNextStep(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                deal.pipelineId(),
                deal.stage(),
                deal.contactId(),
                deal.ownerId(),
                deal.departmentId(),
                lastTaskId,
                since));
        return true;
    }
}
