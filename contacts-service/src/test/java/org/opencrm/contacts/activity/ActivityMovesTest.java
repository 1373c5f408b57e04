package org.opencrm.contacts.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A deal moved to another card (a {@code DealUpdated} or {@code DealReassigned} naming another contact, events that
 * carry no stage or amount) shows on the new card's screen pop as it was on the old one: open, with its amount. Found
 * by {@code TwoInstancesTest}: the moved deals counted as open nowhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class ActivityMovesTest {

    @Autowired
    ActivityListener listener;

    @Autowired
    ContactActivity activity;

    @Test
    void aDealMovedToAnotherCardIsOpenThereWithItsAmountAndAnOlderRedeliveryLeavesItThere() {
        String tenant = "t-" + UUID.randomUUID();
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        String c = "c-" + UUID.randomUUID();
        String deal = UUID.randomUUID().toString();
        Instant at = Instant.parse("2025-03-02T09:00:00Z");
        var money = new Money(new BigDecimal("250.00"), "EUR");
        var created = new DealCreated(
                id(),
                tenant,
                deal,
                1,
                at,
                Actor.user("m1"),
                "p1",
                "new",
                "OPEN",
                0,
                10,
                "Kitchen",
                a,
                null,
                "m1",
                "d1",
                money,
                "web",
                null,
                null);
        listener.apply(created);
        listener.apply(new DealUpdated(
                id(),
                tenant,
                deal,
                2,
                at.plusSeconds(60),
                Actor.user("m1"),
                List.of("contactId"),
                "p1",
                "Kitchen",
                b,
                null,
                "m1",
                "d1",
                "web",
                null));

        var summaries = activity.summaries(Map.of(a, List.of(a), b, List.of(b), c, List.of(c)));
        assertThat(summaries.get(a).openDeals()).isZero();
        assertThat(summaries.get(b).openDeals()).isEqualTo(1);
        assertThat(summaries.get(b).openDealsSum())
                .singleElement()
                .satisfies(sum -> assertThat(sum.amount()).isEqualByComparingTo("250.00"));

        // the creation again (a redelivery) leaves the deal on b
        listener.apply(created);
        // and a reassignment that also names another card moves it on, still open
        listener.apply(new DealReassigned(
                id(), tenant, deal, 3, at.plusSeconds(120), Actor.user("m1"), "p1", c, "m1", "m2", "d1", "d1"));
        listener.apply(created);

        summaries = activity.summaries(Map.of(a, List.of(a), b, List.of(b), c, List.of(c)));
        assertThat(summaries.get(a).openDeals()).isZero();
        assertThat(summaries.get(b).openDeals()).isZero();
        assertThat(summaries.get(c).openDeals()).isEqualTo(1);
        assertThat(summaries.get(c).openDealsSum())
                .singleElement()
                .satisfies(sum -> assertThat(sum.amount()).isEqualByComparingTo("250.00"));
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
