package org.opencrm.notifications.delivery;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.List;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.PageRequests;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The delivery log: an administrator sees the tenant's, everybody else the deliveries addressed to them.
 */
@RestController
@RequestMapping("/api/notifications/deliveries")
class DeliveryController {

    private final Deliveries deliveries;

    DeliveryController(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping
    List<DeliveryView> list(
            @RequestParam(required = false) DeliveryStatus status,
            @RequestParam(required = false) NotificationChannel channel,
            @RequestParam(required = false) String sourceEventId,
            @RequestParam(required = false) String campaignId,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        var query = new Query(where("tenantId").is(user.tenantId()));
        if (!user.hasAnyRole(Role.ADMIN)) {
            query.addCriteria(where("recipientKind")
                    .is(RecipientKind.USER.name())
                    .and("recipientId")
                    .is(user.userId()));
        }
        if (status != null) {
            query.addCriteria(where("status").is(status.name()));
        }
        if (channel != null) {
            query.addCriteria(where("channel").is(channel.name()));
        }
        if (sourceEventId != null) {
            query.addCriteria(where("sourceEventId").is(sourceEventId));
        }
        if (campaignId != null) {
            query.addCriteria(where("campaignId").is(campaignId));
        }
        query.with(PageRequests.of(page, size)).with(Sort.by(Sort.Direction.DESC, "createdAt"));
        return deliveries.find(query).stream().map(DeliveryView::of).toList();
    }
}
