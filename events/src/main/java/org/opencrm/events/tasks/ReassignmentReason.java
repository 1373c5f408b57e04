package org.opencrm.events.tasks;

/** Why a task changed hands; notifications words the message by it, analytics counts escalations. */
public enum ReassignmentReason {
    /** A person changed the assignee. */
    MANUAL,
    /** Still open after the team's reassignment delay past due. */
    OVERDUE_ESCALATION,
    /** The assignee was marked absent. */
    ASSIGNEE_ABSENT
}
