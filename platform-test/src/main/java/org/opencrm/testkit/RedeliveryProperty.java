package org.opencrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.opencrm.events.CrmEvent;

/**
 * One redelivery property of a consumer (issue #12 item 4, docs/reliability.md): each try delivers a history once in
 * order, then the same history as Kafka may redeliver it ({@link Redelivery#redeliveredAndInterleaved} or
 * {@link Redelivery#redeliveredAndShuffled}), and requires the same state after both. Counts the tries and deliveries
 * for the figures line a property prints after its last try.
 */
public final class RedeliveryProperty {

    private final String consumer;
    private int tries;
    private int deliveries;
    private int same;

    /** @param consumer how the figures line names the consumer, e.g. {@code tasks-service DealEventsListener} */
    public RedeliveryProperty(String consumer) {
        this.consumer = consumer;
    }

    /**
     * Gives {@code deliverAndRead} the history, then the redelivered sequence, and asserts that it read the same
     * state after both; a failure names the redelivered sequence.
     *
     * @param deliverAndRead delivers the events to the consumer from a clean start (a fresh tenant, a wiped one or
     *     fresh collections) and reads what the consumer left
     * @return the state after the history delivered once, for the caller's checks that the try did something
     */
    public <S> S assertSameState(
            List<CrmEvent> history, List<CrmEvent> redelivered, Function<List<CrmEvent>, S> deliverAndRead) {
        S onceInOrder = deliverAndRead.apply(history);
        deliveries += history.size();
        S again = deliverAndRead.apply(redelivered);
        deliveries += redelivered.size();
        tries++;
        assertThat(again)
                .as(
                        "delivered as %s",
                        redelivered.stream().map(RedeliveryProperty::describe).toList())
                .isEqualTo(onceInOrder);
        same++;
        return onceInOrder;
    }

    /** {@code [reliability] <consumer>: N tries, M deliveries, K tries with the same state as once in order} */
    public String figures() {
        return "[reliability] " + consumer + ": " + tries + " tries, " + deliveries + " deliveries, " + same
                + " tries with the same state as once in order";
    }

    /**
     * The aggregates' steps jqwik generated as numbers (one list per aggregate), each the index of its step in
     * {@code alphabet}: {@code steps(deals, List.of(Step.STAGE_FORWARD, Step.WON))} makes 0 a stage move, 1 a win.
     */
    public static <S> List<List<S>> steps(List<List<Integer>> generated, List<S> alphabet) {
        return generated.stream()
                .map(aggregate -> aggregate.stream().map(alphabet::get).toList())
                .toList();
    }

    /** {@code TaskCreated task-0 v1}: the type, the aggregate id's first six characters and the version. */
    public static String describe(CrmEvent event) {
        return event.getClass().getSimpleName() + " "
                + event.aggregateId()
                        .substring(0, Math.min(6, event.aggregateId().length())) + " v"
                + event.aggregateVersion();
    }
}
