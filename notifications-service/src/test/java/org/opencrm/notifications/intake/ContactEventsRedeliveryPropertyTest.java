package org.opencrm.notifications.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.notifications.intake.IntakeRedelivery.START;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.testkit.ContactStepHistories;
import org.opencrm.testkit.ContactStepHistories.Step;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;

/**
 * Issue #12 item 4 on notifications-service's contacts consumer ({@link EventIntake#contacts}): a generated history
 * of client cards (renamed, interactions, leads, merged, one erased), delivered with each event 1-3 times and the cards
 * interleaved at random, leaves the same client flags (merged into, erased), the same erased client's messages
 * (address, subject and body removed) and the same webhook deliveries as the history delivered once in order.
 *
 * <p>What is shuffled: the order between cards (different keys, different partitions): a merged card's erasure may
 * come before or after its survivor's {@code ContactsMerged}; each card's events first arrive in their order and
 * copies come again any time later. The intake's writes claim no more: flags are set field by field (a merge and an
 * erasure of one card touch different fields), messages are emptied whatever their state, webhook deliveries have ids
 * derived from the event. Each card has a message waiting (an e-mail greeting due in 30 days, as a birthday greeting
 * or campaign leaves it), so an erasure has something to remove. Calls the listener method directly on the real
 * database of the module's test context.
 */
class ContactEventsRedeliveryPropertyTest {

    private static final RedeliveryProperty PROPERTY =
            new RedeliveryProperty("notifications-service EventIntake.contacts");
    private static final List<Step> STEPS = List.of(Step.RENAME, Step.INTERACTION, Step.LEAD);

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
     * @param contacts per card, the steps after its creation: 0 renamed, 1 an interaction logged, 2 a lead received
     * @param merges afterwards, the merges ({@link ContactStepHistories#contacts}: card {@code k} absorbs the next one;
     *     they can chain)
     * @param erased at the end, the card erased, if below the number of cards
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 4) List<@IntRange(min = 0, max = 2) Integer>> contacts,
            @ForAll @Size(max = 2) List<@IntRange(min = 0, max = 3) Integer> merges,
            @ForAll @IntRange(min = 0, max = 5) int erased,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        IntakeRedelivery.webhook(tenant, "ContactCreated", "ContactsMerged", "ContactErased", "LeadReceived");
        List<CrmEvent> history =
                ContactStepHistories.contacts(tenant, START, RedeliveryProperty.steps(contacts, STEPS), merges, erased);
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));
        Instant due = Instant.now().plus(30, ChronoUnit.DAYS);

        String onceInOrder = PROPERTY.assertSameState(
                history,
                redelivered,
                events -> IntakeRedelivery.deliver(
                        tenant,
                        IntakeRedelivery.SETUP_AND_TEAM,
                        () -> greetings(tenant, contacts.size(), due),
                        events,
                        EventIntake::contacts));
        assertThat(onceInOrder).contains("WEBHOOK");
        if (erased < contacts.size()) {
            assertThat(onceInOrder).contains("\"erased\": true").doesNotContain("Dear Client " + erased + "\"");
        }
    }

    private static void greetings(String tenant, int contacts, Instant due) {
        var deliveries = IntakeRedelivery.bean(Deliveries.class);
        for (int c = 0; c < contacts; c++) {
            String contact = ContactStepHistories.contactId(tenant, c);
            deliveries.enqueue(
                    tenant,
                    "greeting-" + contact,
                    new DeliveryDraft(
                            null,
                            null,
                            "greetings",
                            "Birthday",
                            NotificationChannel.EMAIL,
                            RecipientKind.CONTACT,
                            contact,
                            "client" + c + "@example.com",
                            "en",
                            "Happy birthday",
                            "Dear Client " + c,
                            false,
                            due,
                            null));
        }
    }
}
