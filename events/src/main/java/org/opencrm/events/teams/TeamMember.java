package org.opencrm.events.teams;

import java.time.LocalDate;
import java.util.List;
import org.opencrm.events.Required;

/**
 * One member of a team as the consuming services need them. Name, e-mail and phone are an employee's
 * contact details; they are here because notifications must reach heads and assignees by e-mail and SMS
 * and greet them by name without calling tasks-service. Analytics must not store them.
 *
 * @param roles platform roles, e.g. {@code MANAGER}, {@code HEAD}: deals assigns leads round-robin among
 *     active managers
 * @param timeZone IANA zone id, e.g. {@code Europe/Berlin}: digests and quiet hours follow it
 * @param language BCP 47 tag for message templates, e.g. {@code ru}; null means the tenant's default
 * @param active false for a member who left the team's rotation
 * @param absentUntil the member is away up to and including this date; their tasks are reassigned and
 *     they receive no new leads
 */
public record TeamMember(
        @Required String userId,
        String name,
        String email,
        String phone,
        @Required List<String> roles,
        String timeZone,
        String language,
        boolean active,
        LocalDate absentUntil) {}
