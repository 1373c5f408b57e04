package org.opencrm.deals.document;

import org.opencrm.deals.deal.DealService;
import org.opencrm.events.Actor;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;

/** Documents a user asks for on a deal. */
@Service
class DocumentService {

    private final DealService deals;
    private final DocumentRendering rendering;

    DocumentService(DealService deals, DocumentRendering rendering) {
        this.deals = deals;
        this.rendering = rendering;
    }

    /** A user asks for a document; the deal's version moves, so If-Match is checked when sent. */
    String generate(String dealId, String templateId, String ifMatch, CurrentUser user) {
        var deal = deals.loadToEdit(dealId, user);
        ETags.checkIfMatch(ifMatch, deal.getVersion());
        var template = rendering.template(deal.getTenantId(), templateId);
        if (template == null) {
            throw new InvalidRequestException("templateId", "is not a document template of your tenant");
        }
        Actor by = user.hasRole(Role.INTEGRATION) ? Actor.integration(user.userId()) : Actor.user(user.userId());
        String documentId = rendering.render(deal, template, null, by);
        for (int attempt = 1; ; attempt++) {
            deal.documentGenerated(documentId, template.id(), template.kind(), null, by);
            try {
                deals.save(deal);
                return documentId;
            } catch (OptimisticLockingFailureException e) {
                // The PDF is stored already; only the event has to land on the current version of the deal.
                if (attempt == 5) {
                    throw e;
                }
                deal = deals.loadToEdit(dealId, user);
            }
        }
    }
}
