package org.opencrm.events.teams;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A team (a department's roster) was created or changed. Every event carries the whole team, not a
 * diff: deals and notifications replace their copy with it, so a consumer that starts late, or after the
 * topic was compacted, is complete after one event per team. {@code aggregateId} is the department id.
 *
 * @param active false once the team was disbanded: no lead goes to it and no task escalates within it
 * @param headUserIds the team's heads, who receive escalations and team digests
 */
public record TeamUpdated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String name,
        boolean active,
        @Required List<String> headUserIds,
        @Required List<TeamMember> members)
        implements CrmEvent {}
