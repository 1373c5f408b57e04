package org.opencrm.deals.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.Document;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on deals-service's contacts consumer ({@link ContactsListener}): a generated history of card
 * events (created, renamed, merged, erased) and leads, delivered with each event 1-3 times, leaves the same client
 * copies, merge tombstones, deals opened from leads (owner, title, contact, version) and round-robin cursors as the
 * same history delivered once.
 *
 * <p>What is shuffled: the order between cards (different keys, different partitions); each card's own events first
 * arrive in their order and a copy of an event may come again any time later. The state is compared with each
 * event's first delivery in that same interleaving, not with the history's order: which manager's turn a lead takes,
 * and whether a lead of a card merged away is opened before or after its card's merge (keyed by the survivor), depend
 * on the order between partitions, which Kafka does not fix and the listener does not claim to undo. What the
 * listener does claim: a copy of an event already applied changes nothing (copies take only newer versions, a lead
 * opens one deal under an id derived from it and keeps its turn, merges and erasures leave deals already re-pointed or
 * cut alone).
 *
 * <p>Runs the real listener method on the real database of the module's shared test context (the security suite's).
 */
class ContactsRedeliveryPropertyTest {

    /** Kept across the two deliveries: the department's roster and the pipeline its leads open in. */
    private static final Set<String> KEPT = Set.of("teams", "pipelines", "deal_settings");

    private static final String ROUND_ROBIN = "round_robin";
    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final int CARDS = 3;

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static ContactsListener listener;
    private static int tries;
    private static int delivered;
    private static int same;

    @BeforeContainer
    static void context() {
        var context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(ContactsListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println("[reliability] deals-service ContactsListener: " + tries + " tries, " + delivered
                + " deliveries, " + same + " tries with the same state as each event once");
    }

    /**
     * @param steps after the cards' creation, each {@code card + 3 * action}: action 0 renamed, 1 a new lead, 2 the
     *     card's last lead posted again (a new event for the same lead), 3 erased, 4 merged into the next live card (a
     *     step of a card erased or merged away is left out)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredEndsLikeEachEventOnce(
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 3 * 5 - 1) Integer> steps, @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        team(tenant);
        List<CrmEvent> history = history(tenant, steps);
        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));
        List<CrmEvent> once = new ArrayList<>(new LinkedHashSet<>(shuffled));

        deliver(once);
        String onceEach = snapshot(tenant);
        wipe(tenant);
        deliver(shuffled);
        String redelivered = snapshot(tenant);

        tries++;
        assertThat(onceEach).contains("clients");
        assertThat(redelivered)
                .as(
                        "delivered as %s",
                        shuffled.stream()
                                .map(ContactsRedeliveryPropertyTest::describe)
                                .toList())
                .isEqualTo(onceEach);
        same++;
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            listener.on(Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
            delivered++;
        }
    }

    /** The tenant's documents, and its round-robin cursors, which are keyed by tenant but do not carry it. */
    private static String snapshot(String tenant) {
        List<String> cursors = new ArrayList<>();
        mongo.find(cursorsOf(tenant), Document.class, ROUND_ROBIN).forEach(d -> cursors.add(d.toJson()));
        cursors.sort(null);
        return Redelivery.snapshot(mongo, tenant, KEPT) + " " + ROUND_ROBIN + "=" + cursors;
    }

    private static void wipe(String tenant) {
        Redelivery.wipe(mongo, tenant, KEPT);
        mongo.remove(cursorsOf(tenant), ROUND_ROBIN);
    }

    private static Query cursorsOf(String tenant) {
        return new Query(where("_id").regex("^" + Pattern.quote(tenant + ":")));
    }

    /** Three managers in rotation, as deals' own copy of the team (what {@code TeamListener} keeps). */
    private static void team(String tenant) {
        var members = List.of("anna", "boris", "clara").stream()
                .map(m -> new Document("userId", m)
                        .append("roles", List.of("MANAGER"))
                        .append("active", true)
                        .append("absentUntil", null))
                .toList();
        mongo.insert(
                new Document("_id", tenant + ":sales")
                        .append("tenantId", tenant)
                        .append("departmentId", "sales")
                        .append("active", true)
                        .append("members", members),
                "teams");
    }

    private static List<CrmEvent> history(String tenant, List<Integer> steps) {
        List<CrmEvent> events = new ArrayList<>();
        long[] versions = new long[CARDS];
        boolean[] gone = new boolean[CARDS];
        String[] names = new String[CARDS];
        String[] lastLead = new String[CARDS];
        Instant at = START;
        for (int c = 0; c < CARDS; c++) {
            names[c] = "Client " + (char) ('A' + c);
            events.add(new ContactCreated(
                    id(),
                    tenant,
                    card(tenant, c),
                    ++versions[c],
                    at = at.plusSeconds(60),
                    Actor.user("op"),
                    "PERSON",
                    null,
                    "sales",
                    "web",
                    null,
                    null,
                    details(names[c], c)));
        }
        int leads = 0;
        for (int step : steps) {
            int c = step % CARDS;
            int action = step / CARDS;
            if (gone[c]) {
                continue;
            }
            at = at.plusSeconds(60);
            String contact = card(tenant, c);
            switch (action) {
                case 0 -> {
                    names[c] = names[c] + "+";
                    events.add(new ContactUpdated(
                            id(),
                            tenant,
                            contact,
                            ++versions[c],
                            at,
                            Actor.user("op"),
                            List.of("displayName"),
                            null,
                            "sales",
                            null,
                            null,
                            details(names[c], c)));
                }
                case 1, 2 -> {
                    if (action == 1 || lastLead[c] == null) {
                        lastLead[c] = "lead-" + leads++;
                    }
                    events.add(new LeadReceived(
                            id(),
                            tenant,
                            contact,
                            ++versions[c],
                            at,
                            Actor.integration("web-form"),
                            lastLead[c],
                            false,
                            "web",
                            null,
                            "form-1",
                            "sales",
                            null));
                }
                case 3 -> {
                    events.add(new ContactErased(id(), tenant, contact, ++versions[c], at, Actor.user("op")));
                    gone[c] = true;
                }
                default -> {
                    int survivor = -1;
                    for (int s = 1; s < CARDS && survivor < 0; s++) {
                        if (!gone[(c + s) % CARDS]) {
                            survivor = (c + s) % CARDS;
                        }
                    }
                    if (survivor >= 0) {
                        events.add(new ContactsMerged(
                                id(),
                                tenant,
                                card(tenant, survivor),
                                ++versions[survivor],
                                at,
                                Actor.user("op"),
                                contact,
                                null,
                                "sales",
                                null,
                                details(names[survivor], survivor)));
                        gone[c] = true;
                    }
                }
            }
        }
        return events;
    }

    private static ContactDetails details(String name, int card) {
        return new ContactDetails(name, "City " + card, "Street " + card);
    }

    private static String card(String tenant, int index) {
        return "card-" + index + "-" + tenant;
    }

    private static String describe(CrmEvent event) {
        String what = event instanceof LeadReceived lead
                ? "LeadReceived " + lead.leadId()
                : event instanceof ContactsMerged merged
                        ? "ContactsMerged " + merged.mergedContactId().substring(0, 6) + " into"
                        : event.getClass().getSimpleName();
        return what + " " + event.aggregateId().substring(0, 6) + " v" + event.aggregateVersion();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
