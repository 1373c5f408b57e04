package org.opencrm.testkit;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;

/**
 * Deal histories for the consumers' redelivery properties (issue #12 item 4): deals of pipeline {@code p1} (stages
 * {@link #STAGES}, department {@code d1}), each created and then taken through generated steps, as deals-service
 * would publish them (versions 1, 2, ..., an hour apart).
 */
public final class DealStepHistories {

    /** The open stages of pipeline {@code p1}, in order. */
    public static final List<String> STAGES = List.of("new", "measure", "approval");

    /**
     * A step after a deal's creation. One that does not fit the deal's state (reassigning, winning or losing a closed
     * deal) reopens a closed deal and moves an open one to the next stage instead; from the last stage the move goes
     * back to the first.
     */
    public enum Step {
        STAGE_FORWARD,
        /** to the owner {@code <owner>-<version>} in department {@code d2} */
        REASSIGN,
        /** a new title */
        UPDATE,
        WON,
        LOST,
        REOPEN
    }

    private DealStepHistories() {}

    /** The id of deal number {@code d} of the tenant's history. */
    public static String dealId(String tenant, int d) {
        return "deal-" + d + "-" + tenant;
    }

    /**
     * The events of the deals, deal after deal: deal {@code d} is created at {@code start} plus {@code d} minutes by
     * {@code owner.apply(d)}, worth {@code 100 * (d + 1)} EUR, and each of its steps comes an hour after the one
     * before.
     */
    public static List<CrmEvent> deals(
            String tenant, Instant start, List<List<Step>> deals, IntFunction<String> owner) {
        List<CrmEvent> events = new ArrayList<>();
        for (int d = 0; d < deals.size(); d++) {
            String deal = dealId(tenant, d);
            String ownerId = owner.apply(d);
            String department = "d1";
            int stage = 0;
            String kind = "OPEN";
            long version = 1;
            Instant created = start.plus(d, ChronoUnit.MINUTES);
            Instant at = created;
            var money = new Money(new BigDecimal(100 * (d + 1) + ".00"), "EUR");
            events.add(new DealCreated(
                    id(),
                    tenant,
                    deal,
                    version,
                    at,
                    Actor.user(ownerId),
                    "p1",
                    STAGES.get(0),
                    "OPEN",
                    0,
                    10,
                    "Deal " + d,
                    null,
                    null,
                    ownerId,
                    department,
                    money,
                    "web",
                    null,
                    null));
            for (Step step : deals.get(d)) {
                version++;
                at = at.plus(1, ChronoUnit.HOURS);
                var actor = Actor.user(ownerId);
                boolean open = kind.equals("OPEN");
                if (step == Step.REASSIGN && open) {
                    String next = owner.apply(d) + "-" + version;
                    events.add(new DealReassigned(
                            id(), tenant, deal, version, at, actor, "p1", null, ownerId, next, department, "d2"));
                    ownerId = next;
                    department = "d2";
                } else if (step == Step.UPDATE) {
                    events.add(new DealUpdated(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            List.of("title"),
                            "p1",
                            "Deal " + d + " v" + version,
                            null,
                            null,
                            ownerId,
                            department,
                            "web",
                            null));
                } else if (step == Step.WON && open) {
                    events.add(new DealWon(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "won",
                            STAGES.get(stage),
                            null,
                            ownerId,
                            department,
                            money,
                            created));
                    kind = "WON";
                } else if (step == Step.LOST && open) {
                    events.add(new DealLost(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "lost",
                            STAGES.get(stage),
                            "price",
                            null,
                            ownerId,
                            department,
                            money,
                            created));
                    kind = "LOST";
                } else if (!open) {
                    events.add(new DealReopened(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            kind.toLowerCase(),
                            STAGES.get(0),
                            null,
                            ownerId,
                            department,
                            money));
                    stage = 0;
                    kind = "OPEN";
                } else {
                    int to = (stage + 1) % STAGES.size();
                    events.add(new DealStageChanged(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            STAGES.get(stage),
                            STAGES.get(to),
                            "OPEN",
                            ownerId,
                            department,
                            null,
                            null,
                            null,
                            "OPEN",
                            stage,
                            to,
                            40,
                            money,
                            3600));
                    stage = to;
                }
            }
        }
        return events;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
