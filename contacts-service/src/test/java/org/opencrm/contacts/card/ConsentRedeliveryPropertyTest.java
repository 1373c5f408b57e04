package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.Document;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on contacts-service's consent consumer ({@link ConsentWithdrawals}): unsubscribe clicks
 * ({@code ClientUnsubscribed}, one per card and channel as notifications-service records them) on cards with and
 * without consent, merged away or erased, delivered with each event 1-3 times, leave the same cards (consents and
 * their times, versions) and audit entries as the same clicks delivered once.
 *
 * <p>What is shuffled: the order between opt-outs (each is its own key, so different partitions); a copy of an event
 * may come again any time after its first delivery. The cards are compared with each click's first delivery in that
 * same interleaving: two clicks on one card (its own and that of a card merged into it) withdraw the consent at the
 * time of whichever arrives first, as the order between partitions decides; the consumer claims that a click already
 * applied changes nothing, not more. Each try builds the same cards (through the API) in two tenants, one for each
 * delivery, and compares them with their ids and tenants named alike.
 */
class ConsentRedeliveryPropertyTest {

    /** The only collections a withdrawal writes (the card, with its outbox, and the card's audit trail). */
    private static final Set<String> COMPARED = Set.of("contacts", "contact_audit");

    private static final Instant BEFORE_GRANT = Instant.parse("2025-03-02T09:00:00Z");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ApplicationContext context;
    private static MongoTemplate mongo;
    private static ConsentWithdrawals listener;
    private static int tries;
    private static int delivered;
    private static int same;

    @BeforeContainer
    static void context() {
        context = new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(ConsentWithdrawals.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println("[reliability] contacts-service ConsentWithdrawals: " + tries + " tries, " + delivered
                + " deliveries, " + same + " tries with the same cards as each click once");
    }

    /**
     * @param cards per card, bits 0-1: e-mail and SMS consent given; bits 2-3: 2 erased, 3 merged into the next card
     *     (unless that one is merged away too), else live; bits 4-5 and 6-7: the e-mail and the SMS click, 0 none, 1
     *     before the consent was given, 2 and 3 after it (at two different times)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredEndsLikeEachClickOnce(
            @ForAll @Size(min = 2, max = 3) List<@IntRange(min = 0, max = 255) Integer> cards,
            @ForAll long shuffleSeed) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String onceTenant = "prop-" + UUID.randomUUID();
        String redeliveredTenant = "prop-" + UUID.randomUUID();
        List<String> onceCards = cards(onceTenant, cards);
        List<String> redeliveredCards = cards(redeliveredTenant, cards);

        List<ClientUnsubscribed> clicks = clicks(onceTenant, onceCards, cards, now);
        var shuffled = Redelivery.redeliveredAndInterleaved(clicks, CrmEvent::aggregateId, new Random(shuffleSeed));
        deliver(new ArrayList<>(new LinkedHashSet<>(shuffled)));
        deliver(shuffled.stream()
                .map(c -> mirrored(c, onceTenant, onceCards, redeliveredTenant, redeliveredCards))
                .toList());

        tries++;
        String onceEach = snapshot(onceTenant, onceCards);
        String redelivered = snapshot(redeliveredTenant, redeliveredCards);
        assertThat(onceEach).contains("contacts");
        assertThat(redelivered)
                .as(
                        "delivered as %s",
                        shuffled.stream()
                                .map(c -> "card-" + onceCards.indexOf(c.contactId()) + " " + c.channel() + " at "
                                        + c.occurredAt())
                                .toList())
                .isEqualTo(onceEach);
        same++;
    }

    private static void deliver(List<ClientUnsubscribed> events) {
        long offset = 0;
        for (var event : events) {
            listener.onNotification(
                    Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
            delivered++;
        }
    }

    /** The cards as the generated codes say, through the API; their ids in order. */
    private static List<String> cards(String tenant, List<Integer> codes) {
        String admin = TestJwts.user("admin").tenant(tenant).roles("ADMIN").mint();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            var created = send("POST", "/api/contacts", admin, """
                    {"kind": "PERSON", "firstName": "Card%d", "lastName": "Client", "emails": ["card%d@example.test"],
                     "consent": {"email": %s, "sms": %s}}""".formatted(i, i, (code & 1) != 0, (code & 2) != 0));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ids.add(JsonPath.read(created.body(), "$.id"));
        }
        Set<Integer> mergedAway = new HashSet<>();
        for (int i = 0; i < codes.size(); i++) {
            int survivor = (i + 1) % codes.size();
            if (fate(codes.get(i)) == 3 && !mergedAway.contains(survivor) && fate(codes.get(survivor)) != 3) {
                var merged =
                        send("POST", "/api/contacts/" + ids.get(survivor) + "/merge", admin, """
                        {"duplicateId": "%s"}""".formatted(ids.get(i)));
                assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
                mergedAway.add(i);
            }
        }
        for (int i = 0; i < codes.size(); i++) {
            if (fate(codes.get(i)) == 2) {
                var erased = send("POST", "/api/contacts/" + ids.get(i) + "/erase", admin, null);
                assertThat(erased.statusCode()).as(erased.body()).isBetween(200, 204);
            }
        }
        return ids;
    }

    private static int fate(int code) {
        return (code >> 2) & 3;
    }

    /** One click per card and channel, as notifications-service records them; one for an unknown card. */
    private static List<ClientUnsubscribed> clicks(String tenant, List<String> ids, List<Integer> codes, Instant now) {
        List<ClientUnsubscribed> clicks = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            for (var channel : List.of(NotificationChannel.EMAIL, NotificationChannel.SMS)) {
                int click = (codes.get(i) >> (channel == NotificationChannel.EMAIL ? 4 : 6)) & 3;
                if (click == 0) {
                    continue;
                }
                Instant at = click == 1
                        ? BEFORE_GRANT.plus(i, ChronoUnit.MINUTES)
                        : now.plus(3, ChronoUnit.DAYS).plus(10L * click + i, ChronoUnit.MINUTES);
                clicks.add(click(tenant, ids.get(i), channel, at));
            }
        }
        clicks.add(click(tenant, "no-such-card", NotificationChannel.EMAIL, now.plus(3, ChronoUnit.DAYS)));
        return clicks;
    }

    private static ClientUnsubscribed click(String tenant, String card, NotificationChannel channel, Instant at) {
        return new ClientUnsubscribed(
                UUID.randomUUID().toString(),
                tenant,
                "opt-out-" + card + "-" + channel,
                1,
                at,
                Actor.system("unsubscribe-link"),
                card,
                channel);
    }

    /** The same click in the other tenant, on the card built the same way there. */
    private static ClientUnsubscribed mirrored(
            ClientUnsubscribed click, String fromTenant, List<String> from, String toTenant, List<String> to) {
        int index = from.indexOf(click.contactId());
        String card = index < 0 ? click.contactId() : to.get(index);
        return new ClientUnsubscribed(
                EventIdsOf.mirror(click.eventId()),
                toTenant,
                click.aggregateId().replace(click.contactId(), card),
                click.aggregateVersion(),
                click.occurredAt(),
                click.actor(),
                card,
                click.channel());
    }

    /**
     * The tenant's cards and audit entries as text, sorted after the tenant and the card ids are named by the cards'
     * order: times of the consumer's clock (the last two days) masked, outboxes and random audit ids left out.
     */
    private static String snapshot(String tenant, List<String> ids) {
        List<String> documents = new ArrayList<>();
        for (String collection : COMPARED) {
            for (Document document : mongo.find(new Query(where("tenantId").is(tenant)), Document.class, collection)) {
                document.remove("outbox");
                if (collection.equals("contact_audit")) {
                    document.remove("_id");
                }
                String text = collection + " " + masked(document).toJson();
                text = text.replace(tenant, "<tenant>");
                for (int i = 0; i < ids.size(); i++) {
                    text = text.replace(ids.get(i), "<card-" + i + ">");
                }
                documents.add(text);
            }
        }
        documents.sort(null);
        return String.join("\n", documents);
    }

    private static Document masked(Document document) {
        var result = new Document();
        new TreeMap<>(document).forEach((name, value) -> result.put(name, masked(value)));
        return result;
    }

    private static Object masked(Object value) {
        if (value instanceof Document nested) {
            // nested documents' ids are random (the audit entries a card keeps until its journal is flushed)
            var copy = new Document(nested);
            copy.remove("_id");
            return masked(copy);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConsentRedeliveryPropertyTest::masked).toList();
        }
        if (value instanceof Date date
                && Duration.between(date.toInstant(), Instant.now()).abs().compareTo(Duration.ofDays(2)) < 0) {
            return "<consumer's clock>";
        }
        return value;
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) {
        String port = context.getEnvironment().getProperty("local.server.port");
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A distinct event id for the mirrored click, stable for each original (copies of one event share it). */
    private static final class EventIdsOf {
        static String mirror(String eventId) {
            return UUID.nameUUIDFromBytes(("mirror/" + eventId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .toString();
        }
    }
}
