package org.opencrm.notifications.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.notifications.intake.IntakeRedelivery.PEOPLE;
import static org.opencrm.notifications.intake.IntakeRedelivery.START;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.testkit.ContactStepHistories;
import org.opencrm.testkit.ContactStepHistories.Call;
import org.opencrm.testkit.DealStepHistories;
import org.opencrm.testkit.DealStepHistories.Step;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;

/**
 * Issue #12 item 4 on notifications-service's deals and calls consumer ({@link EventIntake#dealsAndCalls}): a
 * generated history of deals (moved, reassigned, won, lost, reopened) and calls, delivered with each event 1-3 times
 * and the deals and calls interleaved at random, leaves the same deliveries as the history delivered once in order:
 * the team's in-app notice of every won deal, the operator's screen pop of every call, one webhook delivery per
 * subscribed event.
 *
 * <p>What is shuffled: the order between deals and calls (different keys, partitions and topics); each one's events
 * first arrive in their order and copies come again any time later. The listener keeps no copy of deals or calls:
 * every effect is a delivery whose id is derived from the event, the channel and the recipient, and the recipients
 * come from the team, which this property does not change. Calls the listener method directly on the real database
 * of the module's test context.
 */
class DealAndCallEventsRedeliveryPropertyTest {

    private static final RedeliveryProperty PROPERTY =
            new RedeliveryProperty("notifications-service EventIntake.dealsAndCalls");
    private static final List<Step> STEPS =
            List.of(Step.STAGE_FORWARD, Step.REASSIGN, Step.WON, Step.LOST, Step.REOPEN);

    @BeforeContainer
    static void context() {
        IntakeRedelivery.start();
    }

    @AfterContainer
    static void figures() {
        IntakeRedelivery.finish();
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param deals per deal (owned by anna, boris, clara in turn), the steps after its creation: 0 stage forward, 1
     *     reassign, 2 won, 3 lost, 4 reopen (a step that does not fit the deal's state is a stage move or a reopening)
     * @param calls per call, its operator (anna, boris, clara) and whether it was answered (3-5: the same, not
     *     answered)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 6) List<@IntRange(min = 0, max = 4) Integer>> deals,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 5) Integer> calls,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        IntakeRedelivery.team(tenant);
        IntakeRedelivery.webhook(tenant, "DealCreated", "DealWon", "DealLost", "DealStageChanged", "CallEnded");
        List<CrmEvent> history = new ArrayList<>(DealStepHistories.deals(
                tenant, START, RedeliveryProperty.steps(deals, STEPS), d -> PEOPLE.get(d % PEOPLE.size())));
        List<Call> phoned = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            String operator = PEOPLE.get(calls.get(k) % PEOPLE.size());
            phoned.add(new Call(operator, "contact-" + k, Direction.INBOUND, calls.get(k) < PEOPLE.size()));
        }
        history.addAll(ContactStepHistories.calls(tenant, START.plus(30, ChronoUnit.MINUTES), phoned));
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String onceInOrder = PROPERTY.assertSameState(
                history,
                redelivered,
                events -> IntakeRedelivery.deliver(
                        tenant, IntakeRedelivery.SETUP_AND_TEAM, events, EventIntake::dealsAndCalls));
        assertThat(onceInOrder).contains("WEBHOOK");
    }
}
