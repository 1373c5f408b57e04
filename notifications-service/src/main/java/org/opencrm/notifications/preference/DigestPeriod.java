package org.opencrm.notifications.preference;

/** How often a task report is e-mailed. */
public enum DigestPeriod {
    DAILY,
    WEEKLY,
    MONTHLY
}
