package org.opencrm.contacts.card;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencrm.events.Actor;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.stereotype.Component;

/**
 * Merges two cards in three single-document writes that can be resumed after a crash at any point:
 *
 * <ol>
 *   <li>the duplicate is marked {@code mergingInto} the survivor;
 *   <li>the survivor takes the union of both cards and records {@code ContactsMerged} (its {@code mergedIds}
 *       now name the duplicate, whose history thereby becomes the survivor's);
 *   <li>the duplicate becomes a tombstone pointing to the survivor.
 * </ol>
 *
 * A card found still marked after {@link ContactService#MERGE_GRACE} is settled on read: finished when the
 * survivor names it, otherwise the mark is dropped (the merge never happened).
 */
@Component
class ContactMerger {

    private static final Set<String> SCALARS = Set.of(
            "firstName",
            "lastName",
            "name",
            "website",
            "city",
            "address",
            "companyId",
            "notes",
            "ownerId",
            "departmentId",
            "source",
            "birthday",
            "consent.email",
            "consent.sms");

    private final ContactStore store;
    private final Duplicates duplicates;
    private final SearchTerms terms;

    ContactMerger(ContactStore store, Duplicates duplicates, SearchTerms terms) {
        this.store = store;
        this.duplicates = duplicates;
        this.terms = terms;
    }

    Contact merge(Contact survivor, Contact duplicate, MergeRequest request, CurrentUser user) {
        if (survivor.getId().equals(duplicate.getId())) {
            throw new InvalidRequestException("duplicateId", "must be another card");
        }
        if (!survivor.isLive() || !duplicate.isLive()) {
            throw new ConflictException("Archived cards cannot be merged; restore them first.");
        }
        if (survivor.kind() != duplicate.kind()) {
            throw new ConflictException("A person and a company cannot be merged.");
        }
        ContactData merged = union(survivor.data(), duplicate.data(), request.prefer());
        Actor by = Actors.of(user);

        var duplicateBefore = store.prepare(duplicate);
        duplicate.startMergingInto(survivor.getId());
        duplicate = store.save(duplicate, duplicateBefore);

        var survivorBefore = store.prepare(survivor);
        survivor.absorb(duplicate, merged, terms.of(merged, survivor.getTenantId()), by);
        survivor = store.save(survivor, survivorBefore);

        finish(duplicate, survivor.getId(), by);
        duplicates.forget(survivor.getTenantId(), survivor.getId(), duplicate.getId());
        return survivor;
    }

    /** Finishes or abandons an interrupted merge of {@code card}; returns the card as it is then. */
    Contact settle(Contact card) {
        Contact survivor = store.find(card.mergingInto());
        if (survivor != null && survivor.mergedIds().contains(card.getId())) {
            return finish(card, survivor.getId(), Actor.system("contacts-merge-recovery"));
        }
        var before = store.prepare(card);
        card.abandonMerge();
        return store.save(card, before);
    }

    private Contact finish(Contact duplicate, String survivorId, Actor by) {
        var before = store.prepare(duplicate);
        duplicate.becomeTombstoneOf(survivorId, by);
        return store.save(duplicate, before);
    }

    static ContactData union(ContactData survivor, ContactData duplicate, Map<String, String> prefer) {
        Map<String, String> choices = prefer == null ? Map.of() : prefer;
        var errors = new ArrayList<FieldViolation>();
        choices.forEach((field, side) -> {
            if (!SCALARS.contains(field) && !field.startsWith("cf.")) {
                errors.add(new FieldViolation("prefer." + field, "is not a field that can be chosen"));
            } else if (!"duplicate".equals(side) && !"survivor".equals(side)) {
                errors.add(new FieldViolation("prefer." + field, "must be survivor or duplicate"));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        var s = survivor.fields();
        var d = duplicate.fields();
        Map<String, Object> chosen = new LinkedHashMap<>();
        for (String field : SCALARS) {
            chosen.put(field, pick(field, s.get(field), d.get(field), choices));
        }
        var phones = new ArrayList<>(survivor.phones());
        duplicate.phones().stream()
                .filter(p -> phones.stream().noneMatch(q -> q.number().equals(p.number())))
                .forEach(phones::add);
        var emails = new LinkedHashSet<>(survivor.emails());
        emails.addAll(duplicate.emails());
        var tags = new LinkedHashSet<>(survivor.tags());
        tags.addAll(duplicate.tags());
        var custom = new LinkedHashMap<String, Object>();
        var keys = new LinkedHashSet<>(survivor.customValues().keySet());
        keys.addAll(duplicate.customValues().keySet());
        for (String key : keys) {
            Object value = pick(
                    "cf." + key,
                    survivor.customValues().get(key),
                    duplicate.customValues().get(key),
                    choices);
            if (value != null) {
                custom.put(key, value);
            }
        }
        return new ContactData(
                survivor.kind(),
                (String) chosen.get("firstName"),
                (String) chosen.get("lastName"),
                (String) chosen.get("name"),
                phones,
                List.copyOf(emails),
                (String) chosen.get("website"),
                (String) chosen.get("city"),
                (String) chosen.get("address"),
                (String) chosen.get("companyId"),
                (String) chosen.get("notes"),
                (String) chosen.get("ownerId"),
                (String) chosen.get("departmentId"),
                (String) chosen.get("source"),
                List.copyOf(tags),
                (java.time.LocalDate) chosen.get("birthday"),
                (Boolean) chosen.get("consent.email"),
                (Boolean) chosen.get("consent.sms"),
                custom);
    }

    // The survivor's value unless the duplicate is preferred; a gap on one side is filled from the other.
    private static Object pick(String field, Object survivor, Object duplicate, Map<String, String> choices) {
        boolean preferDuplicate = "duplicate".equals(choices.get(field));
        Object first = preferDuplicate ? duplicate : survivor;
        Object second = preferDuplicate ? survivor : duplicate;
        return first != null ? first : second;
    }
}
