package org.opencrm.contacts.card;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.opencrm.contacts.activity.ActivityEntry;
import org.opencrm.contacts.activity.ContactActivity;
import org.opencrm.contacts.activity.ContactSummary;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.PageRequests;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

/** The read side of cards: search, screen-pop lookup, timeline, audit and the duplicate review list. */
@Service
class ContactQueries {

    record SearchParams(
            String q,
            String tag,
            String ownerId,
            String departmentId,
            String city,
            String source,
            Map<String, String> customFilters,
            String sort,
            String cursor,
            Integer size) {}

    record TimelineItem(
            String id,
            Instant at,
            String kind,
            String type,
            String contactId,
            String summary,
            String outcome,
            String userId,
            String dealId,
            String taskId,
            String appealTopic,
            Map<String, Object> facts) {}

    record CandidateView(ContactRef a, ContactRef b, double score, List<String> reasons, String origin) {}

    record ContactRef(String id, String displayName) {}

    private final MongoTemplate mongo;
    private final PhoneNumbers phoneNumbers;
    private final CustomFields customFields;
    private final Duplicates duplicates;
    private final ContactActivity activity;
    private final ContactStore store;
    private final ContactIndex index;

    ContactQueries(
            MongoTemplate mongo,
            PhoneNumbers phoneNumbers,
            CustomFields customFields,
            Duplicates duplicates,
            ContactActivity activity,
            ContactStore store,
            ContactIndex index) {
        this.mongo = mongo;
        this.phoneNumbers = phoneNumbers;
        this.customFields = customFields;
        this.duplicates = duplicates;
        this.activity = activity;
        this.store = store;
        this.index = index;
    }

    Page<ContactView> search(SearchParams params, CurrentUser user) {
        int size = PageRequests.of(0, params.size()).getPageSize();
        var errors = new ArrayList<FieldViolation>();
        var all = filters(params, user, errors);
        String field = sortField(params.sort(), user, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        boolean descending = params.sort() != null && params.sort().startsWith("-");
        var position = Cursors.decode(params.cursor());
        if (position != null) {
            all.add(after(field, position, descending));
        }
        var direction = descending ? Sort.Direction.DESC : Sort.Direction.ASC;
        var query = new Query(new Criteria().andOperator(all))
                .with(Sort.by(direction, field).and(Sort.by(direction, "_id")))
                .limit(size + 1);
        List<Contact> found = mongo.find(query, Contact.class);
        boolean more = found.size() > size;
        var items = found.stream().limit(size).toList();
        String next = null;
        if (more) {
            Contact last = items.getLast();
            next = Cursors.encode(sortValue(last, field), last.getId());
        }
        return new Page<>(items.stream().map(ContactView::of).toList(), next);
    }

    /**
     * The live cards a search's filters match, as far as the user may see them; a bad filter is a 400
     * naming it. Export and segments use the same language as search through this.
     */
    Criteria criteria(SearchParams params, CurrentUser user) {
        var errors = new ArrayList<FieldViolation>();
        var all = filters(params, user, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new Criteria().andOperator(all);
    }

    private List<Criteria> filters(SearchParams params, CurrentUser user, List<FieldViolation> errors) {
        var all = new ArrayList<Criteria>();
        all.add(Visibility.criteria(user));
        all.add(where("archived").ne(true));
        all.add(where("mergedInto").is(null));
        if (params.q() != null && !params.q().isBlank()) {
            String q = params.q().trim();
            if (q.length() > 100) {
                throw new InvalidRequestException("q", "must be at most 100 characters");
            }
            if (PhoneNumbers.looksLikePhone(q)) {
                String digits = phoneNumbers
                        .e164(user.tenantId(), q)
                        .map(e164 -> e164.substring(1))
                        .orElse(q.replaceAll("\\D", ""));
                all.add(where("searchTerms").regex("^" + Pattern.quote(digits)));
            } else {
                for (String word : q.split("\\s+", 5)) {
                    // The word as typed, and in Latin letters so "гром" and "grom" find each other.
                    var forms = new ArrayList<Criteria>();
                    forms.add(where("searchTerms").regex("^" + Pattern.quote(Names.lower(word))));
                    String latin = Names.latin(word);
                    if (!latin.isEmpty()) {
                        forms.add(where("searchTerms").regex("^" + Pattern.quote(latin)));
                    }
                    all.add(new Criteria().orOperator(forms));
                }
            }
        }
        equal(all, "tags", params.tag());
        equal(all, "ownerId", params.ownerId());
        equal(all, "departmentId", params.departmentId());
        equal(all, "source", params.source());
        if (params.city() != null) {
            all.add(where("city").regex("^" + Pattern.quote(params.city().trim()) + "$", "i"));
        }
        params.customFilters().forEach((key, text) -> {
            var definition = customFields.find(user.tenantId(), key);
            if (definition.isEmpty()) {
                errors.add(new FieldViolation("cf." + key, "is not a custom field of this tenant"));
                return;
            }
            customFields
                    .filterValue(user.tenantId(), definition.get(), text)
                    .ifPresentOrElse(
                            value -> all.add(where("customValues." + key).is(value)),
                            () -> errors.add(new FieldViolation("cf." + key, "is not a valid value of this field")));
        });
        return all;
    }

    /**
     * The screen pop: the phone in any format, one {@code _id} read of the phone index entry, which keeps each
     * card's view (see {@link ContactIndex}), and the cards' summaries in one more {@code _id} read. A card the
     * entry keeps no view of (written before views existed, or by a save that did not finish) is read and
     * verified as the duplicate checks do.
     */
    List<LookupResult> lookup(String phone, CurrentUser user) {
        String e164 = phoneNumbers
                .e164(user.tenantId(), phone)
                .orElseThrow(() -> new InvalidRequestException("phone", "is not a valid phone number"));
        String key = user.tenantId() + "|" + e164;
        var entry = mongo.findById(key, org.bson.Document.class, ContactIndex.PHONES);
        if (entry == null) {
            return List.of();
        }
        List<String> ids = entry.getList(ContactIndex.CONTACT_IDS, String.class, List.of());
        var views = new LinkedHashMap<String, ContactView>();
        var unviewed = new ArrayList<String>();
        for (String id : ids) {
            var stored = ContactIndex.storedView(entry, id);
            if (stored == null) {
                unviewed.add(id);
            } else {
                views.put(id, index.readView(stored));
            }
        }
        if (!unviewed.isEmpty()) {
            var cards = new LinkedHashMap<String, ContactView>();
            duplicates
                    .verified(ContactIndex.PHONES, key, unviewed)
                    .forEach(c -> cards.put(c.getId(), ContactView.of(c)));
            // in the entry's order, whichever way each card was read
            var all = new LinkedHashMap<String, ContactView>();
            for (String id : ids) {
                var view = views.containsKey(id) ? views.get(id) : cards.get(id);
                if (view != null) {
                    all.put(id, view);
                }
            }
            views = all;
        }
        var visible = views.values().stream()
                .filter(v -> Visibility.canSee(user, user.tenantId(), v.ownerId(), v.departmentId()))
                .toList();
        var historyIds = new LinkedHashMap<String, List<String>>();
        visible.forEach(v -> {
            var history = new ArrayList<String>();
            history.add(v.id());
            if (v.mergedIds() != null) {
                history.addAll(v.mergedIds());
            }
            historyIds.put(v.id(), history);
        });
        var summaries = activity.summaries(historyIds);
        return visible.stream()
                .map(v -> new LookupResult(v, summaries.getOrDefault(v.id(), ContactSummary.EMPTY)))
                .toList();
    }

    /** Interactions and deal and task events of the card and every card merged into it, newest first. */
    Page<TimelineItem> timeline(Contact contact, String cursor, Integer size, CurrentUser user) {
        int limit = PageRequests.of(0, size).getPageSize();
        store.settleJournal(contact);
        var position = Cursors.decode(cursor);
        Instant beforeAt = position == null ? null : (Instant) position.value();
        String beforeId = position == null ? null : position.id();
        var ids = historyIds(contact);
        var criteria = where("tenantId").is(user.tenantId()).and("contactId").in(ids);
        if (beforeAt != null) {
            criteria = new Criteria()
                    .andOperator(
                            criteria,
                            new Criteria()
                                    .orOperator(
                                            where("occurredAt").lt(beforeAt),
                                            new Criteria()
                                                    .andOperator(
                                                            where("occurredAt").is(beforeAt),
                                                            where("_id").lt(beforeId))));
        }
        var interactions = mongo.find(
                new Query(criteria)
                        .with(Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("_id")))
                        .limit(limit + 1),
                Interaction.class);
        var items = new ArrayList<TimelineItem>();
        interactions.forEach(i -> items.add(new TimelineItem(
                i.id(),
                i.occurredAt(),
                "INTERACTION",
                i.type().name(),
                i.contactId(),
                i.summary(),
                i.outcome(),
                i.userId(),
                i.dealId(),
                null,
                i.appealTopic(),
                i.appealText() == null ? Map.of() : Map.of("appealText", i.appealText()))));
        for (ActivityEntry e : activity.timeline(user.tenantId(), ids, beforeAt, beforeId, limit + 1)) {
            items.add(new TimelineItem(
                    e.id(),
                    e.at(),
                    e.kind(),
                    e.type(),
                    e.contactId(),
                    e.text(),
                    null,
                    null,
                    e.dealId(),
                    e.taskId(),
                    null,
                    e.facts() == null ? Map.of() : e.facts()));
        }
        items.sort(Comparator.comparing(TimelineItem::at)
                .thenComparing(TimelineItem::id)
                .reversed());
        boolean more = items.size() > limit;
        var page = items.stream().limit(limit).toList();
        String next = more ? Cursors.encode(page.getLast().at(), page.getLast().id()) : null;
        return new Page<>(page, next);
    }

    List<AuditEntry> audit(Contact contact, Integer page, Integer size) {
        store.settleJournal(contact);
        var query = new Query(where("tenantId")
                        .is(contact.getTenantId())
                        .and("contactId")
                        .is(contact.getId()))
                .with(Sort.by(Sort.Order.desc("at"), Sort.Order.desc("_id")))
                .with(PageRequests.of(page, size));
        return mongo.find(query, AuditEntry.class);
    }

    /** Candidate pairs of which the user may see both cards, surest first. */
    Page<CandidateView> duplicateCandidates(String cursor, Integer size, CurrentUser user) {
        int limit = PageRequests.of(0, size).getPageSize();
        var criteria = new ArrayList<Criteria>();
        criteria.add(where("tenantId").is(user.tenantId()));
        var position = Cursors.decode(cursor);
        if (position != null) {
            double score = ((Number) position.value()).doubleValue();
            criteria.add(new Criteria()
                    .orOperator(
                            where("score").lt(score),
                            new Criteria()
                                    .andOperator(
                                            where("score").is(score),
                                            where("_id").gt(position.id()))));
        }
        var query = new Query(new Criteria().andOperator(criteria))
                .with(Sort.by(Sort.Order.desc("score"), Sort.Order.asc("_id")))
                .limit(limit + 1);
        var candidates = mongo.find(query, DuplicateCandidate.class);
        boolean more = candidates.size() > limit;
        var page = candidates.stream().limit(limit).toList();
        var ids = page.stream()
                .flatMap(c -> java.util.stream.Stream.of(c.contactA(), c.contactB()))
                .toList();
        var cards = new LinkedHashMap<String, Contact>();
        mongo.find(new Query(where("_id").in(ids)), Contact.class).forEach(c -> cards.put(c.getId(), c));
        var items = page.stream()
                .filter(c -> visibleLive(cards.get(c.contactA()), user) && visibleLive(cards.get(c.contactB()), user))
                .map(c -> new CandidateView(
                        ref(cards.get(c.contactA())), ref(cards.get(c.contactB())), c.score(), c.reasons(), c.origin()))
                .toList();
        String next =
                more ? Cursors.encode(page.getLast().score(), page.getLast().id()) : null;
        return new Page<>(items, next);
    }

    private static boolean visibleLive(Contact c, CurrentUser user) {
        return c != null && c.isLive() && Visibility.canSee(user, c.getTenantId(), c.ownerId(), c.departmentId());
    }

    private static ContactRef ref(Contact c) {
        return new ContactRef(c.getId(), c.data().displayName());
    }

    static List<String> historyIds(Contact contact) {
        var ids = new ArrayList<String>();
        ids.add(contact.getId());
        ids.addAll(contact.mergedIds());
        return ids;
    }

    private String sortField(String sort, CurrentUser user, List<FieldViolation> errors) {
        if (sort == null || sort.isBlank()) {
            return "sortName";
        }
        String key = sort.startsWith("-") ? sort.substring(1) : sort;
        return switch (key) {
            case "name" -> "sortName";
            case "createdAt", "updatedAt" -> key;
            default -> {
                if (key.startsWith("cf.")
                        && customFields.find(user.tenantId(), key.substring(3)).isPresent()) {
                    yield "customValues." + key.substring(3);
                }
                errors.add(new FieldViolation(
                        "sort", "must be name, createdAt, updatedAt or cf.<key>, optionally with -"));
                yield "sortName";
            }
        };
    }

    private static Object sortValue(Contact contact, String field) {
        return switch (field) {
            case "sortName" -> Names.lower(contact.data().displayName());
            case "createdAt" -> contact.createdAt();
            case "updatedAt" -> contact.updatedAt();
            default -> contact.data().customValues().get(field.substring("customValues.".length()));
        };
    }

    /** Items after the cursor in sort order; absent values sort first ascending and last descending. */
    private static Criteria after(String field, Cursors.Position position, boolean descending) {
        Object v = position.value();
        String id = position.id();
        if (!descending) {
            if (v == null) {
                return new Criteria()
                        .orOperator(
                                new Criteria()
                                        .andOperator(
                                                where(field).is(null),
                                                where("_id").gt(id)),
                                where(field).ne(null));
            }
            return new Criteria()
                    .orOperator(
                            where(field).gt(v),
                            new Criteria()
                                    .andOperator(
                                            where(field).is(v), where("_id").gt(id)));
        }
        if (v == null) {
            return new Criteria()
                    .andOperator(where(field).is(null), where("_id").lt(id));
        }
        return new Criteria()
                .orOperator(
                        where(field).lt(v),
                        new Criteria()
                                .andOperator(where(field).is(v), where("_id").lt(id)),
                        where(field).is(null));
    }

    private static void equal(List<Criteria> all, String field, String value) {
        if (value != null && !value.isBlank()) {
            all.add(where(field).is(value));
        }
    }
}
