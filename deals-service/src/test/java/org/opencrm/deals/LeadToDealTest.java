package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.events.EventJson;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/** LeadReceived becomes exactly one deal, owned by the department's next manager in turn. */
class LeadToDealTest extends DealsTestSupport {

    @Autowired
    MongoTemplate mongo;

    @Test
    void aDuplicatedLeadMakesOneDealAssignedToTheNextManagerInTurn() {
        String tenant = newTenant();
        publish(team(
                tenant,
                "sales",
                List.of(
                        member("anna", "MANAGER", true, null),
                        member("head-1", "HEAD", true, null),
                        member("boris", "MANAGER", true, null),
                        member("away", "MANAGER", true, LocalDate.now().plusDays(3)),
                        member("clara", "MANAGER", true, null))));
        publish(contact(tenant, "c-1", "Ivan Petrov"));
        awaitCopies(tenant);

        var first = lead(tenant, "c-1", "lead-1");
        publish(first);
        publish(first);
        // lead-1's deal first: the two leads travel on different partitions (keyed by lead), so the turn
        // order between them is only defined once the first is handled
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("/api/deals?contactId=c-1", admin(tenant))))
                        .hasSize(1));
        var second = lead(tenant, "c-2", "lead-2");
        publish(second);
        // The same lead re-posted (a new event for an already handled lead id) is no second deal either.
        publish(lead(tenant, "c-1", "lead-1"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("/api/deals?contactId=c-2", admin(tenant))))
                        .hasSize(1));
        try (var events = dealEvents()) {
            events.await(ofTenant(tenant, "DealCreated"), 2, Duration.ofSeconds(30));
            var created = events.drain(ofTenant(tenant, "DealCreated"), Duration.ofSeconds(3)).stream()
                    .map(r -> EventJson.read(r.value(), DealCreated.class))
                    .toList();
            assertThat(created).extracting(DealCreated::leadId).containsExactlyInAnyOrder("lead-1", "lead-2");
            var byLead = created.stream().collect(java.util.stream.Collectors.toMap(DealCreated::leadId, e -> e));
            assertThat(byLead.get("lead-1").ownerId()).isEqualTo("anna");
            assertThat(byLead.get("lead-2").ownerId()).isEqualTo("boris");
            assertThat(byLead.get("lead-1").stage()).isEqualTo("first-call");
            assertThat(byLead.get("lead-1").departmentId()).isEqualTo("sales");
            assertThat(byLead.get("lead-1").title()).isEqualTo("Lead: Ivan Petrov");
        }
        var all = get("/api/deals", admin(tenant));
        assertThat(ids(all)).hasSize(2);
        // The next lead goes to the manager after boris, skipping the head and the absent manager.
        publish(lead(tenant, "c-3", "lead-3"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var third = get("/api/deals?contactId=c-3", admin(tenant));
            assertThat(ids(third)).hasSize(1);
            assertThat(read(third, "$.items[0].ownerId").toString()).isEqualTo("clara");
        });
    }

    private void awaitCopies(String tenant) {
        // Teams and contacts come on other topics than leads: nothing orders them, so wait for both copies.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":sales")), "teams")
                        && mongo.exists(Query.query(Criteria.where("_id").is(tenant + ":c-1")), "clients"));
    }

    static TeamUpdated team(String tenant, String department, List<TeamMember> members) {
        return new TeamUpdated(
                UUID.randomUUID().toString(),
                tenant,
                department,
                1,
                Instant.now(),
                Actor.user("head-1"),
                "Sales",
                true,
                List.of("head-1"),
                members);
    }

    static TeamMember member(String id, String role, boolean active, LocalDate absentUntil) {
        return new TeamMember(id, null, null, null, List.of(role), "Europe/Berlin", null, active, absentUntil);
    }

    static ContactCreated contact(String tenant, String contactId, String name) {
        return new ContactCreated(
                UUID.randomUUID().toString(),
                tenant,
                contactId,
                1,
                Instant.now(),
                Actor.user("op-1"),
                "PERSON",
                null,
                "sales",
                "website",
                null,
                null,
                new ContactDetails(name, "Berlin", "Hauptstr. 1"));
    }

    static LeadReceived lead(String tenant, String contactId, String leadId) {
        return new LeadReceived(
                UUID.randomUUID().toString(),
                tenant,
                contactId,
                2,
                Instant.now(),
                Actor.integration("web-form"),
                leadId,
                true,
                "website",
                null,
                "form-1",
                "sales",
                null);
    }
}
