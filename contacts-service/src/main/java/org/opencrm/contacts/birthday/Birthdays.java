package org.opencrm.contacts.birthday;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.LocalDate;
import java.time.Month;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The live cards of a tenant whose birthday falls on a day. Each card stores {@code birthdayMonthDay}
 * ({@code MM-dd}, set whenever its birthday is set, cleared when it is erased or merged away), so the
 * question is an equality on a stored key: {@code {tenantId, birthdayMonthDay: {$in: keys}}}, served on
 * MongoDB by the index {@code {tenantId: 1, birthdayMonthDay: 1, _id: 1}} created here. The embedded
 * server ignores that index and scans the tenant's cards (milliseconds per 100,000 cards, once a day).
 *
 * <p>29 February: in a year without it, those clients are greeted on 28 February, so nobody waits four years.
 */
@Component
class Birthdays {

    static final String CONTACTS = "contacts";

    record Member(String id, String displayName, String email, String phone, Consent consent) {}

    /** Whether the client currently consents to marketing messages on each channel. */
    record Consent(boolean email, boolean sms) {}

    private final MongoTemplate mongo;

    Birthdays(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventListener(ApplicationReadyEvent.class)
    void index() {
        mongo.indexOps(CONTACTS)
                .createIndex(new Index()
                        .on("tenantId", Direction.ASC)
                        .on("birthdayMonthDay", Direction.ASC)
                        .on("_id", Direction.ASC)
                        .named("tenant_birthday"));
    }

    /** The month-day keys whose clients are greeted on {@code date}. */
    static List<String> keysFor(LocalDate date) {
        var keys = new ArrayList<String>();
        keys.add(key(date.getMonthValue(), date.getDayOfMonth()));
        if (date.getMonth() == Month.FEBRUARY && date.getDayOfMonth() == 28 && !date.isLeapYear()) {
            keys.add(key(2, 29));
        }
        return keys;
    }

    /** Up to {@code size} members after the card id {@code after} (exclusive), in id order. */
    List<Member> on(String tenantId, LocalDate date, String after, int size) {
        var criteria = where("tenantId")
                .is(tenantId)
                .and("birthdayMonthDay")
                .in(keysFor(date))
                .and("erasedAt")
                .is(null)
                .and("mergedInto")
                .is(null)
                .and("archived")
                .ne(true);
        if (after != null) {
            criteria = criteria.and("_id").gt(after);
        }
        var query = new Query(criteria).with(Sort.by("_id")).limit(size);
        query.fields()
                .include(
                        "_id",
                        "kind",
                        "firstName",
                        "lastName",
                        "name",
                        "emails",
                        "phones",
                        "consentEmail",
                        "consentSms");
        return mongo.find(query, Document.class, CONTACTS).stream()
                .map(Birthdays::member)
                .toList();
    }

    private static Member member(Document card) {
        String first = card.getString("firstName");
        String last = card.getString("lastName");
        String joined = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        String displayName =
                "COMPANY".equals(card.getString("kind")) || joined.isEmpty() ? card.getString("name") : joined;
        List<?> emails = card.getList("emails", Object.class, List.of());
        List<?> phones = card.getList("phones", Object.class, List.of());
        String phone = phones.isEmpty() || !(phones.getFirst() instanceof Document p) ? null : p.getString("number");
        return new Member(
                card.get("_id").toString(),
                displayName,
                emails.isEmpty() ? null : emails.getFirst().toString(),
                phone,
                new Consent(granted(card.get("consentEmail")), granted(card.get("consentSms"))));
    }

    private static boolean granted(Object consent) {
        return consent instanceof Document d && Boolean.TRUE.equals(d.getBoolean("granted"));
    }

    private static String key(int month, int day) {
        return "%02d-%02d".formatted(month, day);
    }
}
