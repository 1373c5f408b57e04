package org.opencrm.notifications.webhook;

import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.client.Clients;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.events.EventJson;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One delivery per event and subscribed webhook, carrying the event as the receiver will see it. */
@Component
public class WebhookFanout {

    private final Webhooks webhooks;
    private final Deliveries deliveries;
    private final JsonMapper json;
    private final Clients clients;

    WebhookFanout(Webhooks webhooks, Deliveries deliveries, JsonMapper json, Clients clients) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.json = json;
        this.clients = clients;
    }

    public void fanOut(CrmEvent event) {
        String name = event.getClass().getSimpleName();
        var subscriptions = webhooks.subscribedTo(event.tenantId(), name);
        if (subscriptions.isEmpty()) {
            return;
        }
        String ceType = EventCatalog.of(event.getClass()).type();
        var data = (ObjectNode) json.readTree(EventJson.write(event));
        // An event of a card erased before it arrived (late, redelivered, replayed) goes out without its details.
        clients.scrubIfErased(event.tenantId(), data);
        for (var subscription : subscriptions) {
            String id = EventIds.derive(event, NotificationChannel.WEBHOOK + ":" + subscription.id());
            var body = json.createObjectNode()
                    .put("deliveryId", id)
                    .put("type", ceType)
                    .put("eventId", event.eventId())
                    .put("tenantId", event.tenantId())
                    .put("occurredAt", event.occurredAt().toString());
            body.set("data", data);
            deliveries.enqueue(
                    event.tenantId(),
                    id,
                    new DeliveryDraft(
                            event.eventId(),
                            ceType,
                            null,
                            name,
                            NotificationChannel.WEBHOOK,
                            RecipientKind.WEBHOOK,
                            subscription.id(),
                            subscription.url().toString(),
                            null,
                            null,
                            json.writeValueAsString(body),
                            false,
                            null,
                            null));
        }
    }
}
