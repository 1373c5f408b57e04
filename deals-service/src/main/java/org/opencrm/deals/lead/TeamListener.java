package org.opencrm.deals.lead;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.Topics;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps each team's roster from tasks-service's {@code TeamUpdated}. Only what assignment needs is kept
 * (ids, roles, rotation and absence); employees' names and addresses stay with tasks and notifications.
 */
@Component
class TeamListener {

    private final IdempotentWrites writes;

    TeamListener(IdempotentWrites writes) {
        this.writes = writes;
    }

    @KafkaListener(topics = Topics.TEAMS, groupId = "deals-service")
    void on(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            if (event instanceof TeamUpdated team) {
                List<TeamRoster.Member> members = team.members().stream()
                        .map(m -> new TeamRoster.Member(m.userId(), m.roles(), m.active(), m.absentUntil()))
                        .toList();
                // A snapshot replaces the copy; the version gate drops a late older snapshot.
                writes.applyIfNewer(
                        TeamRoster.COLLECTION,
                        TeamRoster.key(team.tenantId(), team.aggregateId()),
                        team,
                        new Update()
                                .set("tenantId", team.tenantId())
                                .set("departmentId", team.aggregateId())
                                .set("active", team.active())
                                .set("members", members));
            }
        });
    }
}
