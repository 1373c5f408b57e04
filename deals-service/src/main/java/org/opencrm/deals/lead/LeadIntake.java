package org.opencrm.deals.lead;

import java.time.LocalDate;
import java.time.ZoneOffset;
import org.opencrm.deals.client.ClientCopy;
import org.opencrm.deals.client.ClientDirectory;
import org.opencrm.deals.deal.DealService;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.platform.consumer.EventIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns each lead into exactly one deal in the first stage of its department's default pipeline, owned by
 * the department's next active manager in turn.
 */
@Component
public class LeadIntake {

    static final Actor ACTOR = Actor.system("deals-lead-intake");
    private static final Logger log = LoggerFactory.getLogger(LeadIntake.class);

    private final DealService deals;
    private final RoundRobin roundRobin;
    private final ClientDirectory clients;
    private final MongoTemplate mongo;

    LeadIntake(DealService deals, RoundRobin roundRobin, ClientDirectory clients, MongoTemplate mongo) {
        this.deals = deals;
        this.roundRobin = roundRobin;
        this.clients = clients;
        this.mongo = mongo;
    }

    public void on(LeadReceived lead) {
        // Derived from the lead id (stable across re-posts of one lead), not only from this event's id.
        String dealId = EventIds.derive(lead.tenantId() + "/" + lead.leadId(), "lead-deal");
        if (deals.exists(dealId)) {
            return;
        }
        String owner = nextManager(lead, dealId);
        String contactId = clients.current(lead.tenantId(), lead.aggregateId());
        String name = clients.find(lead.tenantId(), contactId)
                .filter(c -> !c.isErased())
                .map(ClientCopy::displayName)
                .orElse(null);
        String title =
                name != null ? "Lead: " + name : lead.source() != null ? "Lead from " + lead.source() : "New lead";
        boolean opened = deals.openFromLead(
                dealId,
                lead.tenantId(),
                new DealService.LeadDeal(lead.leadId(), title, contactId, owner, lead.departmentId(), lead.source()),
                ACTOR);
        if (opened) {
            log.info("Lead {} opened deal {} owned by {}", lead.leadId(), dealId, owner);
        }
    }

    private String nextManager(LeadReceived lead, String dealId) {
        if (lead.departmentId() == null) {
            return null;
        }
        var team = mongo.findById(TeamRoster.key(lead.tenantId(), lead.departmentId()), TeamRoster.class);
        var managers = team == null ? java.util.List.<String>of() : team.managersOn(LocalDate.now(ZoneOffset.UTC));
        if (managers.isEmpty()) {
            // Unassigned: every manager of the department sees the deal and can take it.
            return null;
        }
        long turn = roundRobin.turnOf(lead.tenantId(), lead.departmentId(), dealId);
        return managers.get((int) ((turn - 1) % managers.size()));
    }
}
