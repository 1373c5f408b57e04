package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A website form or an integration delivered a lead and it was matched to an existing card or a new one
 * was created. Keyed by that card, so a consumer always sees the card's {@link ContactCreated} before the
 * lead that created it. Deals turns each lead into exactly one deal, using {@code leadId} to recognise a
 * lead it already handled; analytics measures sources and first-response time from it.
 *
 * <p>The form's name, phone, e-mail and message are not here: they went into the card and its history.
 * A consumer that shows the message (a deal's description, a task) follows {@code messageInteractionId}.
 *
 * @param leadId the intake's id of this lead, stable across retried posts with one Idempotency-Key
 * @param newContact true if the lead created the card, false if it matched an existing one: analytics
 *     separates new clients from returning ones by it
 * @param source lead source from the form configuration or the integration (tenant vocabulary)
 * @param formId the form key's form, for per-form statistics; null for integrations
 * @param departmentId the department the form routes leads to; deals picks the pipeline and the managers
 *     from it
 * @param messageInteractionId the MESSAGE interaction holding the visitor's message; null if none was
 *     sent
 */
public record LeadReceived(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String leadId,
        boolean newContact,
        String source,
        Utm utm,
        String formId,
        String departmentId,
        String messageInteractionId)
        implements CrmEvent {}
