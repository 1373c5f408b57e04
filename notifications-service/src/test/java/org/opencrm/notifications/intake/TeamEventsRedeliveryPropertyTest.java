package org.opencrm.notifications.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.notifications.intake.IntakeRedelivery.START;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Example;
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
import org.opencrm.notifications.directory.Directory;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Issue #12 item 4 on notifications-service's teams consumer ({@link EventIntake#teams}): a generated history of team
 * rosters (people joining, leaving, changing name, address, language and zone, heads changing, a team closing),
 * delivered with each event 1-3 times and the teams interleaved at random, leaves the same team copies, employee
 * profiles and webhook deliveries as the same deliveries without the copies.
 *
 * <p>What is shuffled: the order between teams (different keys, different partitions); each team's events first
 * arrive in their order and copies come again any time later. The comparison is with the first deliveries in the
 * order they came (a person in two teams has the profile of the newest roster, by its time, whatever the order
 * across partitions; a copy must change nothing of it).
 * Calls the listener method directly on the real database of the module's test context.
 */
class TeamEventsRedeliveryPropertyTest {

    private static final RedeliveryProperty PROPERTY =
            new RedeliveryProperty("notifications-service EventIntake.teams");
    private static final List<String> PEOPLE = List.of("anna", "boris", "clara", "dmitri");
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York");

    @BeforeContainer
    static void context() {
        IntakeRedelivery.start();
    }

    @AfterContainer
    static void figures() {
        IntakeRedelivery.finish();
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param teams per team ({@code d1}, {@code d2}, ...), its rosters in order: each a bit set of {@link #PEOPLE}
     *     (1-15); a person's name, address, language and zone change with the roster's version; the first member is
     *     the head, and a team whose roster is 15 closes (inactive)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeTheFirstDeliveries(
            @ForAll @Size(min = 1, max = 3) List<@Size(min = 1, max = 4) List<@IntRange(min = 1, max = 15) Integer>> teams,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        IntakeRedelivery.webhook(tenant, "TeamUpdated");
        List<CrmEvent> history = history(tenant, teams);
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String firstDeliveries = PROPERTY.assertSameState(
                Redelivery.firstDeliveries(redelivered),
                redelivered,
                events -> IntakeRedelivery.deliver(tenant, IntakeRedelivery.SETUP, events, EventIntake::teams));
        assertThat(firstDeliveries).contains("user_profiles").contains("WEBHOOK");
    }

    /**
     * The state a failure leaves between the team copy's save and the profiles' (a crash, a database error):
     * the retry finds the copy at its version already, and must still write the profiles.
     */
    @Example
    void aRosterRetriedAfterItsTeamCopyWasSavedStillWritesTheProfiles() {
        String tenant = "retry-" + UUID.randomUUID();
        var roster = (TeamUpdated) history(tenant, List.of(List.of(3))).getFirst();
        var mongo = IntakeRedelivery.mongo();
        // the copy as the failed delivery saved it, the profiles not yet written
        Runnable failedDelivery = () -> mongo.upsert(
                new Query(Criteria.where("_id").is(tenant + ":d1")),
                new Update()
                        .set("tenantId", tenant)
                        .set("teamId", "d1")
                        .set("name", roster.name())
                        .set("active", true)
                        .set("headUserIds", roster.headUserIds())
                        .set("members", roster.members())
                        .set(IdempotentWrites.SOURCE_VERSION, roster.aggregateVersion()),
                "teams");

        IntakeRedelivery.deliver(tenant, IntakeRedelivery.SETUP, failedDelivery, List.of(roster), EventIntake::teams);

        var profile = IntakeRedelivery.bean(Directory.class).profile(tenant, "anna");
        assertThat(profile.email()).isEqualTo("anna.d1v1@" + tenant + ".test");
    }

    private static List<CrmEvent> history(String tenant, List<List<Integer>> teams) {
        List<CrmEvent> events = new ArrayList<>();
        for (int t = 0; t < teams.size(); t++) {
            String team = "d" + (t + 1);
            long version = 0;
            for (int roster : teams.get(t)) {
                version++;
                Instant at = START.plus(t, ChronoUnit.MINUTES).plus(version, ChronoUnit.HOURS);
                List<TeamMember> members = new ArrayList<>();
                for (int p = 0; p < PEOPLE.size(); p++) {
                    if ((roster & (1 << p)) != 0) {
                        String person = PEOPLE.get(p);
                        String tag = team + "v" + version;
                        members.add(new TeamMember(
                                person,
                                person + " (" + tag + ")",
                                person + "." + tag + "@" + tenant + ".test",
                                version % 2 == 0 ? "+4930555" + p + version : null,
                                List.of(p == 0 ? "HEAD" : "MANAGER"),
                                ZONES.get((int) ((p + version) % ZONES.size())),
                                version % 2 == 0 ? "de" : "en",
                                true,
                                null));
                    }
                }
                events.add(new TeamUpdated(
                        UUID.randomUUID().toString(),
                        tenant,
                        team,
                        version,
                        at,
                        Actor.user("admin"),
                        "Team " + team + " v" + version,
                        roster != 15,
                        List.of(members.getFirst().userId()),
                        members));
            }
        }
        return events;
    }
}
