package org.opencrm.platform.outbox;

import java.math.BigDecimal;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealStageChanged;
import org.springframework.data.mongodb.core.mapping.Document;

/** A minimal aggregate that records a {@link DealStageChanged} per move, as deals-service's Deal will. */
@Document(TestDeal.COLLECTION)
class TestDeal extends AggregateRoot {

    static final String COLLECTION = "outbox_test_deals";

    private String stage;

    TestDeal() {}

    private TestDeal(String id, String tenantId) {
        super(id, tenantId);
    }

    static TestDeal open(String tenantId, Actor by) {
        var deal = new TestDeal(newId(), tenantId);
        deal.stage = "new";
        deal.moveTo("first-call", by);
        return deal;
    }

    DealStageChanged moveTo(String target, Actor by) {
        var e = nextEvent(by);
        var event = new DealStageChanged(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                "pipeline-1",
                stage,
                target,
                "OPEN",
                by.id(),
                "department-1",
                null,
                null,
                "contact-1",
                "OPEN",
                0,
                1,
                20,
                new Money(new BigDecimal("1200.00"), "EUR"),
                60);
        stage = target;
        return record(event);
    }

    String stage() {
        return stage;
    }
}
