package org.opencrm.contacts.activity;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What the screen pop shows next to a card: open deals (count and sum per currency), the next open task and
 * the last interaction.
 */
public record ContactSummary(
        int openDeals, List<Amount> openDealsSum, NextTask nextOpenTask, LastInteraction lastInteraction) {

    public static final ContactSummary EMPTY = new ContactSummary(0, List.of(), null, null);

    public record Amount(BigDecimal amount, String currency) {}

    public record NextTask(String taskId, String type, String title, Instant dueAt, String dealId) {}

    public record LastInteraction(String interactionId, String type, Instant at, String userId, String outcome) {}
}
