package org.opencrm.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;

/**
 * B1, screen pop: {@code GET /api/contacts/lookup?phone=} for a random one of N loaded cards, directly at
 * contacts-service and through the gateway, against the same lookup done with the raw MongoDB driver on the
 * same server: the reads the service makes ({@code phone_index} by {@code _id}, whose entry keeps each card's
 * screen-pop view, and the cards' {@code contact_summaries} by {@code _id}), and the three reads it made before
 * the views (with the cards by {@code _id} between them).
 */
final class ScreenPop {

    static final String TENANT = "bench";

    private ScreenPop() {}

    static String phone(int i) {
        return String.format("+7916%07d", i);
    }

    /** The digits after +7: they occur in every stored form of the number (E.164, search terms). */
    static String national(String e164) {
        return e164.substring(2);
    }

    static String contactId(int i) {
        return new UUID(0x0b1_0000_0000L, i).toString();
    }

    static Result run(Bench.Context ctx) throws Exception {
        var options = ctx.options();
        int n = options.contacts();
        var cluster = ctx.cluster();
        cluster.start("contacts", "gateway");
        var contacts = cluster.service("contacts");
        var gateway = cluster.service("gateway");
        var http = new Http(ctx.token());
        var db = ctx.mongo().getDatabase("crm-contacts");
        var cards = db.getCollection("contacts");
        var phones = db.getCollection("phone_index");
        var summaries = db.getCollection("contact_summaries");

        // the template: one card written by the service itself, then copied N times in its stored shape
        String templatePhone = phone(n);
        var created = Http.ok(http.post(
                        contacts.baseUrl() + "/api/contacts",
                        Map.of(
                                "kind", "PERSON",
                                "firstName", "Tatiana",
                                "lastName", "Benchmarkova",
                                "phones", List.of(Map.of("number", templatePhone, "type", "MOBILE")),
                                "emails", List.of("template@bench.test"),
                                "city", "Moscow",
                                "departmentId", "sales",
                                "tags", List.of("bench")),
                        null))
                .json();
        String templateId = created.path("id").asString();
        var card = Templates.settled(cards, templateId, Duration.ofSeconds(60));
        var phoneEntry =
                phones.find(new Document("_id", TENANT + "|" + templatePhone)).first();
        if (phoneEntry == null) {
            throw new IllegalStateException("no phone_index entry for the template card: the index shape changed");
        }
        Bench.log("B1 loading " + n + " cards into crm-contacts (template " + templateId + ")");
        double cardSeconds = Templates.insert(
                cards,
                0,
                n,
                i -> Templates.copy(
                        card,
                        Templates.map(
                                templateId,
                                contactId(i),
                                national(templatePhone),
                                national(phone(i)),
                                "template@",
                                "c" + i + "@")));
        double indexSeconds = Templates.insert(
                phones,
                0,
                n,
                i -> withViewOf(
                        Templates.copy(
                                phoneEntry,
                                Templates.map(
                                        templateId,
                                        contactId(i),
                                        national(templatePhone),
                                        national(phone(i)),
                                        "template@",
                                        "c" + i + "@")),
                        templateId,
                        contactId(i)));
        Bench.log(String.format("B1 loaded in %.1f s (cards) + %.1f s (phone index)", cardSeconds, indexSeconds));

        // one answer checked by hand before the load: the right card comes back
        var check = Http.ok(http.get(contacts.baseUrl() + "/api/contacts/lookup?phone=" + encode(phone(n / 2))));
        if (!check.body().contains(contactId(n / 2))) {
            throw new IllegalStateException("the lookup did not find a loaded card: " + check.body());
        }

        var result =
                new Result("B1", "Screen pop: lookup by phone, direct and through the gateway, vs a raw driver query");
        result.setup("contacts", n)
                .setup(
                        "loading",
                        "one card created through POST /api/contacts, copied " + n
                                + " times in its stored shape (contacts + phone_index documents) with the MongoDB driver's"
                                + " insertMany in batches of 5,000")
                .setup("loadSeconds", Result.round(cardSeconds + indexSeconds))
                .setup("database", cluster.mongoDescription())
                .setup("request", "GET /api/contacts/lookup?phone=<E.164 of a random loaded card>, ADMIN token")
                .setup(
                        "baseline",
                        "raw driver, two reads: phone_index find by _id (the entry keeps each card's screen-pop"
                                + " view), contact_summaries find _id $in (the reads the service makes); raw driver:"
                                + " phone_index by _id, contacts _id $in, contact_summaries _id $in (the three reads"
                                + " it made before the views, the baseline of earlier runs)");

        // the reads the service makes since the entry keeps the card's view: the entry, then the summaries
        var rawTwo = Load.run("raw driver, two reads", options.load(), (w, it) -> {
            int i = ThreadLocalRandom.current().nextInt(n);
            var entry =
                    phones.find(new Document("_id", TENANT + "|" + phone(i))).first();
            if (entry == null || !(entry.get("views") instanceof Document views) || views.isEmpty()) {
                throw new IllegalStateException("no index entry with the card's view");
            }
            var ids = entry.getList("contactIds", String.class);
            summaries.find(new Document("_id", new Document("$in", ids))).into(new java.util.ArrayList<>());
        });
        // the reads it made before (entry, cards, summaries): the baseline of the runs before views
        var raw = Load.run("raw driver", options.load(), (w, it) -> {
            int i = ThreadLocalRandom.current().nextInt(n);
            var entry =
                    phones.find(new Document("_id", TENANT + "|" + phone(i))).first();
            if (entry == null) {
                throw new IllegalStateException("no index entry");
            }
            var ids = entry.getList("contactIds", String.class);
            var found =
                    cards.find(new Document("_id", new Document("$in", ids))).into(new java.util.ArrayList<>());
            summaries.find(new Document("_id", new Document("$in", ids))).into(new java.util.ArrayList<>());
            if (found.isEmpty()) {
                throw new IllegalStateException("no card");
            }
        });
        var direct = Load.run("service direct", options.load(), (w, it) -> lookup(http, contacts.baseUrl(), n));
        var viaGateway = Load.run("through gateway", options.load(), (w, it) -> lookup(http, gateway.baseUrl(), n));
        result.add(raw, "baseline");
        result.add(rawTwo, "baseline");
        result.add(direct, "subject");
        result.add(viaGateway, "subject");

        result.ratio("service direct / raw driver", "p50", direct.millis(50), raw.millis(50), true);
        result.ratio("service direct / raw driver", "p99", direct.millis(99), raw.millis(99), true);
        result.ratio("service direct / raw driver", "throughput", direct.throughput(), raw.throughput(), false);
        result.ratio("service direct / raw driver, two reads", "p50", direct.millis(50), rawTwo.millis(50), true);
        result.ratio("service direct / raw driver, two reads", "p99", direct.millis(99), rawTwo.millis(99), true);
        result.ratio("gateway / service direct", "p50", viaGateway.millis(50), direct.millis(50), true);
        double gatewayP99 =
                result.ratio("gateway / service direct", "p99", viaGateway.millis(99), direct.millis(99), true);
        result.ratio("gateway / service direct", "throughput", viaGateway.throughput(), direct.throughput(), false);
        result.target("service p99 (ms), direct", direct.millis(99), "<", 10);
        result.target("gateway adds to p99 (gateway p99 / direct p99 - 1)", gatewayP99 - 1, "<", 0.30);
        result.notes.add("Closed loop at the given concurrency: latencies are service times, no coordinated-omission"
                + " correction; the load generator (java.net.http) runs in the same JVM as the database server and"
                + " shares the 2 cores with the services, for the subject and the baseline alike.");
        result.notes.add("To reach 1,000,000 cards: bench/run --only B1 --contacts 1000000 with BENCH_JAVA_OPTS=-Xmx8g"
                + " (the memory backend holds every document in the harness heap); loading is linear in N.");
        result.notes.add(
                "The lookup reads only _id keys (phone_index with the cards' views, contact_summaries; contacts"
                        + " only for a card whose entry keeps no view): no secondary index is needed on MongoDB either.");
        return result;
    }

    /** The copied entry's view of the template card filed under the copy's id (field names are not copied). */
    private static Document withViewOf(Document entry, String templateId, String id) {
        if (entry.get("views") instanceof Document views && views.containsKey(templateId)) {
            views.put(id, views.remove(templateId));
        }
        return entry;
    }

    private static void lookup(Http http, String base, int n) throws Exception {
        int i = ThreadLocalRandom.current().nextInt(n);
        var answer = Http.ok(http.get(base + "/api/contacts/lookup?phone=" + encode(phone(i))));
        if (!answer.body().contains(contactId(i))) {
            throw new IllegalStateException("lookup of " + phone(i) + " did not return its card");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
