package org.opencrm.notifications.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Topics;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.notifications.client.Clients;
import org.opencrm.notifications.digest.TaskCopies;
import org.opencrm.notifications.directory.Directory;
import org.opencrm.notifications.routing.NotificationPlanner;
import org.opencrm.notifications.webhook.WebhookFanout;
import org.opencrm.platform.events.EventRecords;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The one consumer of each topic (two listeners of one group on one topic would split its partitions).
 * Every step is idempotent, so a record retried after a partial failure repeats nothing.
 */
@Component
class EventIntake {

    private final NotificationPlanner planner;
    private final WebhookFanout webhooks;
    private final Directory directory;
    private final TaskCopies tasks;
    private final Clients clients;

    EventIntake(
            NotificationPlanner planner,
            WebhookFanout webhooks,
            Directory directory,
            TaskCopies tasks,
            Clients clients) {
        this.planner = planner;
        this.webhooks = webhooks;
        this.directory = directory;
        this.tasks = tasks;
        this.clients = clients;
    }

    @KafkaListener(topics = Topics.TASKS, groupId = "notifications-service")
    void tasks(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            tasks.apply(event);
            notify(event);
        });
    }

    @KafkaListener(
            topics = {Topics.DEALS, Topics.CALLS},
            groupId = "notifications-service")
    void dealsAndCalls(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::notify);
    }

    @KafkaListener(topics = Topics.TEAMS, groupId = "notifications-service")
    void teams(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            if (event instanceof TeamUpdated team) {
                directory.apply(team);
            }
            webhooks.fanOut(event);
        });
    }

    @KafkaListener(topics = Topics.CONTACTS, groupId = "notifications-service")
    void contacts(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            clients.apply(event);
            webhooks.fanOut(event);
        });
    }

    private void notify(CrmEvent event) {
        planner.plan(event);
        webhooks.fanOut(event);
    }
}
