package org.opencrm.events.tasks;

import org.opencrm.events.Required;

/**
 * Who an automation rule's notification is for, as the rule named them; notifications-service turns each
 * into people with its copy of the teams ({@code TeamUpdated}) when it delivers.
 *
 * @param kind how to find the people
 * @param userId for {@link Kind#USER}, the user; for {@link Kind#DEAL_OWNER}, the deal's owner when the
 *     trigger event happened (null if the deal had none)
 * @param teamId for {@link Kind#TEAM_HEAD} and {@link Kind#TEAM}, the department id of the team: the
 *     rule's, else the deal's or lead's department
 */
public record RuleRecipient(@Required Kind kind, String userId, String teamId) {

    /**
     * A closed set on purpose: a consumer that met a kind it cannot resolve would lose the message
     * silently, so a new kind is a new event version rather than a new constant.
     */
    public enum Kind {
        DEAL_OWNER,
        TEAM_HEAD,
        TEAM,
        USER
    }
}
