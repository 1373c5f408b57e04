package org.opencrm.deals.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on deals-service's team consumer ({@link TeamListener}): a generated history of team snapshots
 * ({@code TeamUpdated}) of several departments, delivered with each event 1-3 times and the departments interleaved
 * at random, leaves the same rosters (who takes leads in turn) as the history delivered once in order.
 *
 * <p>What is shuffled: the order between departments (different keys); each department's snapshots first arrive in
 * their order and a copy may come again any time later (a late, older snapshot must not replace a newer roster). The
 * listener claims no more: the roster takes only newer versions. Runs the real listener method on the real database
 * of the module's shared test context.
 */
class TeamRosterRedeliveryPropertyTest {

    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final List<String> PEOPLE = List.of("anna", "boris", "clara", "dmitri");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static TeamListener listener;
    private static final RedeliveryProperty PROPERTY = new RedeliveryProperty("deals-service TeamListener");

    @BeforeContainer
    static void context() {
        var context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(TeamListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param departments per department, its snapshots after the first: each person's bit says whether they are in
     *     the team; bit 4 makes one member absent, bit 5 the team inactive
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 3) List<@Size(max = 6) List<@IntRange(min = 0, max = 63) Integer>> departments,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        List<CrmEvent> history = history(tenant, departments);

        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String onceInOrder = PROPERTY.assertSameState(history, shuffled, events -> {
            Redelivery.wipe(mongo, tenant, Set.of());
            deliver(events);
            return Redelivery.snapshot(mongo, tenant, Set.of());
        });
        assertThat(onceInOrder).contains(TeamRoster.COLLECTION);
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            listener.on(Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
        }
    }

    private static List<CrmEvent> history(String tenant, List<List<Integer>> departments) {
        List<CrmEvent> events = new ArrayList<>();
        for (int d = 0; d < departments.size(); d++) {
            String department = "dept-" + d;
            List<Integer> snapshots = new ArrayList<>();
            snapshots.add(15);
            snapshots.addAll(departments.get(d));
            long version = 0;
            for (int bits : snapshots) {
                Instant at = START.plus(d, ChronoUnit.MINUTES).plus(version, ChronoUnit.HOURS);
                List<TeamMember> members = new ArrayList<>();
                for (int p = 0; p < PEOPLE.size(); p++) {
                    if ((bits & (1 << p)) != 0) {
                        LocalDate away = (bits & 16) != 0 && members.isEmpty() ? LocalDate.of(2031, 1, 1) : null;
                        members.add(new TeamMember(
                                PEOPLE.get(p),
                                PEOPLE.get(p),
                                null,
                                null,
                                List.of(p == 0 ? "HEAD" : "MANAGER"),
                                "UTC",
                                "en",
                                true,
                                away));
                    }
                }
                events.add(new TeamUpdated(
                        UUID.randomUUID().toString(),
                        tenant,
                        department,
                        ++version,
                        at,
                        Actor.user("head"),
                        "Team " + d,
                        (bits & 32) == 0,
                        List.of("anna"),
                        members));
            }
        }
        return events;
    }
}
