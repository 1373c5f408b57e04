package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One line of a deal's history: a stage change (with the time spent in the stage it left), an owner change
 * or an amount change. Fields that do not apply to the kind are null.
 */
public record HistoryEntry(
        Kind kind,
        Instant at,
        String actorId,
        String fromStage,
        String toStage,
        Long secondsInPreviousStage,
        String comment,
        String lossReason,
        String fromOwnerId,
        String toOwnerId,
        BigDecimal fromAmount,
        BigDecimal toAmount,
        String currency) {

    public enum Kind {
        CREATED,
        STAGE,
        REOPENED,
        OWNER,
        AMOUNT
    }

    static HistoryEntry stage(
            Kind kind,
            Instant at,
            String actorId,
            String from,
            String to,
            long seconds,
            String comment,
            String reason) {
        return new HistoryEntry(kind, at, actorId, from, to, seconds, comment, reason, null, null, null, null, null);
    }

    static HistoryEntry owner(Instant at, String actorId, String from, String to) {
        return new HistoryEntry(Kind.OWNER, at, actorId, null, null, null, null, null, from, to, null, null, null);
    }

    static HistoryEntry amount(Instant at, String actorId, BigDecimal from, BigDecimal to, String currency) {
        return new HistoryEntry(Kind.AMOUNT, at, actorId, null, null, null, null, null, null, null, from, to, currency);
    }

    HistoryEntry withComment(String newComment) {
        return new HistoryEntry(
                kind,
                at,
                actorId,
                fromStage,
                toStage,
                secondsInPreviousStage,
                newComment,
                lossReason,
                fromOwnerId,
                toOwnerId,
                fromAmount,
                toAmount,
                currency);
    }
}
