package org.opencrm.tasks.sla;

/** What a due-index entry wakes up for. The kind prefixes the entry's id, so each kind is one id range. */
public enum TimerKind {
    DUE_SOON,
    OVERDUE,
    REASSIGN,
    NEXT_STEP
}
