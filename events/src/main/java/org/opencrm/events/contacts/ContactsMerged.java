package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * Two cards of one client became one. Keyed by the survivor, which is the card that lives on; the merged
 * card became a tombstone pointing to it. Deals and tasks re-point everything that referenced the
 * merged card.
 *
 * <p>The merged card's own earlier events sit on another partition and may be consumed after this one,
 * so a consumer must remember {@code mergedContactId -> aggregateId} and apply late events of the merged
 * card to the survivor.
 *
 * @param mergedContactId the card that was merged into the survivor and is now a tombstone
 * @param details the survivor's name and address after the merge, which may take values of either card
 */
public record ContactsMerged(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String mergedContactId,
        String ownerId,
        String departmentId,
        String companyId,
        ContactDetails details)
        implements CrmEvent {}
