package org.opencrm.notifications.routing;

/** Who, relative to an event, receives its notification. */
public enum Audience {
    /** The task's assignee (TaskCreated, TaskDueSoon, TaskOverdue). */
    ASSIGNEE,
    /** The heads of the task's or deal's team, from TeamUpdated. */
    TEAM_HEADS,
    /** The previous assignee of a reassigned task. */
    PREVIOUS_ASSIGNEE,
    /** The new assignee of a reassigned task. */
    NEW_ASSIGNEE,
    /** The deal's owner. */
    OWNER,
    /** The operator a call was routed to. */
    OPERATOR,
    /** Every active member of the deal's or task's team. */
    TEAM,
    /**
     * The people an automation rule named (RuleNotificationRequested): deal owner, users, heads or active
     * members of a team, resolved from the event's recipients.
     */
    RULE_RECIPIENTS
}
