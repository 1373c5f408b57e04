package org.opencrm.contacts.card;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.opencrm.events.Actor;
import org.opencrm.platform.outbox.AggregateBatchWriter;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The card side of a CSV import: turns a batch of rows into cards with the same checks as the API and the
 * duplicate detection of {@link Duplicates}, in bulk (one read per index collection and one of the matched
 * cards per batch, one bulk insert of the new cards). Replaying a batch is exact: a card's id is derived from
 * the import and the row, a card the same import created at this or a later row is not a duplicate of the
 * row, and a MERGE only fills gaps and unions lists, so merging twice equals merging once.
 */
@Component
public class ContactImporter {

    public enum DuplicatePolicy {
        SKIP,
        MERGE,
        CREATE
    }

    /** Card fields a column can be mapped to, besides {@code cf.<key>}; lists are separated by {@code ;}. */
    public static final Set<String> FIELDS = Set.of(
            "kind",
            "firstName",
            "lastName",
            "name",
            "phones",
            "emails",
            "website",
            "city",
            "address",
            "notes",
            "ownerId",
            "departmentId",
            "source",
            "tags",
            "birthday",
            "consentEmail",
            "consentSms");

    public record Settings(
            String tenantId,
            String importId,
            DuplicatePolicy policy,
            String defaultOwnerId,
            String defaultDepartmentId,
            Actor actor) {}

    /** A row of the file: its line number and its values by card field. */
    public record Row(long line, Map<String, String> values) {}

    public record Rejection(long line, String reason) {}

    public record BatchResult(int created, int merged, int skipped, List<Rejection> rejected) {}

    private final MongoTemplate mongo;
    private final ContactInputs inputs;
    private final CustomFields customFields;
    private final Duplicates duplicates;
    private final ContactIndex index;
    private final ContactStore store;
    private final SearchTerms terms;
    private final AggregateBatchWriter batches;
    private final Counter createdCards;

    ContactImporter(
            MongoTemplate mongo,
            ContactInputs inputs,
            CustomFields customFields,
            Duplicates duplicates,
            ContactIndex index,
            ContactStore store,
            SearchTerms terms,
            AggregateBatchWriter batches,
            MeterRegistry meters) {
        this.mongo = mongo;
        this.inputs = inputs;
        this.customFields = customFields;
        this.duplicates = duplicates;
        this.index = index;
        this.store = store;
        this.terms = terms;
        this.batches = batches;
        this.createdCards = ContactStore.createdCounter(meters);
    }

    /** Whether a column may be mapped to {@code field} for this tenant. */
    public boolean isField(String tenantId, String field) {
        return FIELDS.contains(field)
                || (field.startsWith("cf.")
                        && customFields.find(tenantId, field.substring(3)).isPresent());
    }

    public BatchResult importBatch(Settings settings, List<Row> rows) {
        var user = new CurrentUser(settings.actor().id(), settings.tenantId(), Set.of(), Set.of(Role.INTEGRATION));
        var definitions = customFields.all(settings.tenantId());
        var rejected = new ArrayList<Rejection>();
        var valid = new ArrayList<Row>();
        var data = new ArrayList<ContactData>();
        for (Row row : rows) {
            try {
                data.add(toData(row, settings, user, definitions));
                valid.add(row);
            } catch (InvalidRequestException e) {
                rejected.add(new Rejection(row.line(), reason(e)));
            }
        }
        var known = new KnownCards(settings, data);
        var created = new LinkedHashMap<String, Contact>();
        var candidates = new LinkedHashMap<String, List<DuplicateMatch>>();
        int merged = 0;
        int skipped = 0;
        for (int i = 0; i < valid.size(); i++) {
            long line = valid.get(i).line();
            ContactData row = data.get(i);
            String id = ContactIntake.derivedId("import", settings.tenantId(), settings.importId() + "|" + line);
            List<DuplicateMatch> matches =
                    duplicates.find(settings.tenantId(), id, row, (c, key) -> known.cards(c, key, line), false);
            if (matches.isEmpty() || settings.policy() == DuplicatePolicy.CREATE) {
                Contact card = newCard(id, settings, row, line);
                created.put(id, card);
                known.add(card);
                if (!matches.isEmpty()) {
                    candidates.put(id, matches);
                }
            } else if (settings.policy() == DuplicatePolicy.SKIP) {
                skipped++;
            } else {
                String target = matches.getFirst().contactId();
                Contact pending = created.get(target);
                if (pending != null) {
                    // Two rows of one batch are one client: the card is created once, with both rows' data.
                    Contact combined = newCard(target, settings, mergedData(pending.data(), row), pending.importLine());
                    created.put(target, combined);
                    known.add(combined);
                } else {
                    mergeInto(target, row, settings);
                }
                merged++;
            }
        }
        insert(created);
        candidates.forEach((id, matches) -> duplicates.record(settings.tenantId(), id, matches, "IMPORT"));
        return new BatchResult(created.size(), merged, skipped, rejected);
    }

    private Contact newCard(String id, Settings settings, ContactData data, Long line) {
        return Contact.create(
                id,
                settings.tenantId(),
                data,
                terms.of(data, settings.tenantId()),
                settings.actor(),
                settings.importId(),
                line);
    }

    /**
     * Index entries first, then the cards in one bulk insert, then the entries again (a phone entry's id with the
     * card's view in one write, e-mail and name entries read back and written only where an id went missing) and the
     * audit copies (the order {@link ContactStore#save} keeps for one card). The cards go through the outbox's bulk path: one
     * write of all their pending markers before the insert, and the relay publishes their ContactCreated
     * events in batches. A card an earlier attempt of this batch inserted is refused by its {@code _id} and
     * counts as created: it is the same card.
     */
    private void insert(Map<String, Contact> created) {
        if (created.isEmpty()) {
            return;
        }
        var keys = new LinkedHashMap<String, ContactIndex.Keys>();
        created.forEach((id, card) -> keys.put(id, ContactIndex.keysOf(card)));
        index.addAll(keys);
        var cards = new ArrayList<>(created.values());
        try {
            batches.insertAll(cards);
            createdCards.increment(cards.size());
        } catch (DuplicateKeyException replay) {
            // Cards the stopped bulk write inserted are not told apart from an earlier attempt's: not counted.
            for (Contact card : cards) {
                if (!mongo.exists(new Query(Criteria.where("_id").is(card.getId())), Contact.class)) {
                    try {
                        mongo.insert(card);
                        createdCards.increment();
                    } catch (DuplicateKeyException alreadyThere) {
                        // Inserted by the bulk write before it stopped.
                    }
                }
            }
        }
        index.afterInsertAll(keys, created);
        var audit = cards.stream().flatMap(c -> c.pendingAudit().stream()).toList();
        try {
            mongo.insertAll(audit);
        } catch (DuplicateKeyException replay) {
            // Audit entries of cards inserted by an earlier attempt are there already.
        }
    }

    private void mergeInto(String targetId, ContactData row, Settings settings) {
        for (int attempt = 0; ; attempt++) {
            Contact card = store.find(targetId);
            if (card == null || !card.isLive()) {
                return;
            }
            var before = store.prepare(card);
            ContactData merged = mergedData(card.data(), row);
            try {
                if (!card.update(merged, terms.of(merged, settings.tenantId()), settings.actor(), settings.importId())
                        .isEmpty()) {
                    store.save(card, before);
                }
                return;
            } catch (OptimisticLockingFailureException concurrentEdit) {
                if (attempt >= 2) {
                    throw concurrentEdit;
                }
            }
        }
    }

    /** The card's values win; the row fills gaps and adds phones, e-mails, tags and custom values. */
    static ContactData mergedData(ContactData card, ContactData row) {
        var phones = new ArrayList<>(card.phones());
        var numbers = new HashSet<String>();
        card.phones().forEach(p -> numbers.add(p.number()));
        row.phones().stream().filter(p -> numbers.add(p.number())).forEach(phones::add);
        var emails = new LinkedHashSet<>(card.emails());
        emails.addAll(row.emails());
        var tags = new LinkedHashSet<>(card.tags());
        tags.addAll(row.tags());
        var custom = new LinkedHashMap<>(row.customValues());
        custom.putAll(card.customValues());
        return new ContactData(
                card.kind(),
                or(card.firstName(), row.firstName()),
                or(card.lastName(), row.lastName()),
                or(card.name(), row.name()),
                phones,
                List.copyOf(emails),
                or(card.website(), row.website()),
                or(card.city(), row.city()),
                or(card.address(), row.address()),
                card.companyId(),
                or(card.notes(), row.notes()),
                or(card.ownerId(), row.ownerId()),
                or(card.departmentId(), row.departmentId()),
                or(card.source(), row.source()),
                List.copyOf(tags),
                card.birthday() != null ? card.birthday() : row.birthday(),
                card.consentEmail() != null ? card.consentEmail() : row.consentEmail(),
                card.consentSms() != null ? card.consentSms() : row.consentSms(),
                custom);
    }

    private static <T> T or(T first, T second) {
        return first != null ? first : second;
    }

    private ContactData toData(Row row, Settings settings, CurrentUser user, List<CustomFieldDefinition> definitions) {
        Map<String, String> v = row.values();
        var errors = new ArrayList<FieldViolation>();
        ContactKind kind = ContactKind.PERSON;
        if (text(v.get("kind")) != null) {
            try {
                kind = ContactKind.valueOf(v.get("kind").trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldViolation("kind", "must be PERSON or COMPANY"));
            }
        }
        LocalDate birthday = null;
        if (text(v.get("birthday")) != null) {
            try {
                birthday = LocalDate.parse(v.get("birthday").trim());
            } catch (DateTimeParseException e) {
                errors.add(new FieldViolation("birthday", "must be a date (yyyy-MM-dd)"));
            }
        }
        Boolean consentEmail = bool(v.get("consentEmail"), "consentEmail", errors);
        Boolean consentSms = bool(v.get("consentSms"), "consentSms", errors);
        var custom = new LinkedHashMap<String, JsonNode>();
        var byKey = new HashMap<String, CustomFieldDefinition>();
        definitions.forEach(d -> byKey.put(d.key(), d));
        v.forEach((field, value) -> {
            if (field.startsWith("cf.") && text(value) != null) {
                String key = field.substring(3);
                custom.put(key, customNode(byKey.get(key), value.trim()));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        var input = new ContactInput(
                kind,
                text(v.get("firstName")),
                text(v.get("lastName")),
                text(v.get("name")),
                list(v.get("phones")).stream()
                        .map(n -> new ContactInput.PhoneInput(n, PhoneType.OTHER))
                        .toList(),
                list(v.get("emails")),
                text(v.get("website")),
                text(v.get("city")),
                text(v.get("address")),
                null,
                text(v.get("notes")),
                or(text(v.get("ownerId")), settings.defaultOwnerId()),
                or(text(v.get("departmentId")), settings.defaultDepartmentId()),
                text(v.get("source")),
                list(v.get("tags")),
                birthday,
                new ContactInput.ConsentInput(consentEmail, consentSms),
                custom);
        return inputs.toData(input, user, definitions);
    }

    /** A CSV cell as the JSON value the custom field's type expects; a wrong one fails the field's check. */
    private static JsonNode customNode(CustomFieldDefinition definition, String value) {
        var json = JsonMapper.shared();
        if (definition == null) {
            return json.getNodeFactory().stringNode(value);
        }
        return switch (definition.type()) {
            case NUMBER -> {
                try {
                    yield json.getNodeFactory().numberNode(Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    yield json.getNodeFactory().stringNode(value);
                }
            }
            case BOOLEAN ->
                "true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)
                        ? json.getNodeFactory().booleanNode(Boolean.parseBoolean(value))
                        : json.getNodeFactory().stringNode(value);
            case MULTI_ENUM -> {
                var array = json.createArrayNode();
                list(value).forEach(array::add);
                yield array;
            }
            default -> json.getNodeFactory().stringNode(value);
        };
    }

    private static Boolean bool(String value, String field, List<FieldViolation> errors) {
        String t = text(value);
        if (t == null) {
            return null;
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> {
                errors.add(new FieldViolation(field, "must be true or false"));
                yield null;
            }
        };
    }

    private static List<String> list(String value) {
        if (text(value) == null) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(";"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String reason(InvalidRequestException e) {
        @SuppressWarnings("unchecked")
        var violations = (List<FieldViolation>) e.getBody().getProperties().get("errors");
        if (violations == null || violations.isEmpty()) {
            return e.getBody().getDetail();
        }
        return String.join(
                "; ",
                violations.stream()
                        .map(v -> (v.field() == null ? "" : v.field() + ": ") + v.message())
                        .toList());
    }

    /**
     * The cards a batch's rows are checked against: live cards named by the index entries of the batch's keys
     * (read once), and the cards the batch creates as it goes. A card of this import from this or a later
     * line is left out: it can only exist because an earlier attempt of this batch stopped half-way.
     */
    private final class KnownCards {

        private final Settings settings;
        private final Map<String, List<Contact>> byKey = new HashMap<>();

        KnownCards(Settings settings, List<ContactData> rows) {
            this.settings = settings;
            var keys = new HashMap<String, Set<String>>();
            for (ContactData row : rows) {
                var k = ContactIndex.keysOf(settings.tenantId(), row, true);
                keys.computeIfAbsent(ContactIndex.PHONES, c -> new HashSet<>()).addAll(k.phones());
                keys.computeIfAbsent(ContactIndex.EMAILS, c -> new HashSet<>()).addAll(k.emails());
                keys.computeIfAbsent(ContactIndex.NAMES, c -> new HashSet<>()).addAll(k.names());
            }
            var entries = new HashMap<String, Map<String, List<String>>>();
            var ids = new HashSet<String>();
            keys.forEach((collection, collectionKeys) -> {
                var found = index.idsOf(collection, collectionKeys);
                entries.put(collection, found);
                found.values().forEach(ids::addAll);
            });
            var cards = new HashMap<String, Contact>();
            if (!ids.isEmpty()) {
                mongo.find(new Query(Criteria.where("_id").in(ids)), Contact.class)
                        .forEach(c -> cards.put(c.getId(), c));
            }
            entries.forEach((collection, found) -> found.forEach((key, contactIds) -> {
                for (String id : contactIds) {
                    Contact card = cards.get(id);
                    if (card != null
                            && Duplicates.keysFor(collection, ContactIndex.keysOf(card))
                                    .contains(key)) {
                        byKey.computeIfAbsent(collection + "#" + key, k -> new ArrayList<>())
                                .add(card);
                    }
                }
            }));
        }

        List<Contact> cards(String collection, String key, long line) {
            return byKey.getOrDefault(collection + "#" + key, List.of()).stream()
                    .filter(card -> !settings.importId().equals(card.importId())
                            || card.importLine() == null
                            || card.importLine() < line)
                    .toList();
        }

        void add(Contact card) {
            var keys = ContactIndex.keysOf(card);
            for (String collection : List.of(ContactIndex.PHONES, ContactIndex.EMAILS, ContactIndex.NAMES)) {
                for (String key : Duplicates.keysFor(collection, keys)) {
                    var list = byKey.computeIfAbsent(collection + "#" + key, k -> new ArrayList<>());
                    list.removeIf(c -> c.getId().equals(card.getId()));
                    list.add(card);
                }
            }
        }
    }
}
