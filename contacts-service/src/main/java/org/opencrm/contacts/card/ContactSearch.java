package org.opencrm.contacts.card;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Card search for the other features of the service (segments, export): the same filter language and
 * visibility as {@code GET /api/contacts}.
 */
@Component
public class ContactSearch {

    /** Columns of an export before the tenant's custom fields; the import reads the same names. */
    public static final List<String> COLUMNS = List.of(
            "id",
            "kind",
            "firstName",
            "lastName",
            "name",
            "phones",
            "emails",
            "website",
            "city",
            "address",
            "companyId",
            "notes",
            "ownerId",
            "departmentId",
            "source",
            "tags",
            "birthday",
            "consentEmail",
            "consentSms",
            "createdAt",
            "updatedAt");

    /** Cards read from the database per cursor batch of an export: the memory an export holds. */
    static final int EXPORT_BATCH = 500;

    private final MongoTemplate mongo;
    private final ContactQueries queries;
    private final CustomFields customFields;
    private final Counter exportedCards;

    ContactSearch(MongoTemplate mongo, ContactQueries queries, CustomFields customFields, MeterRegistry meters) {
        this.mongo = mongo;
        this.queries = queries;
        this.customFields = customFields;
        this.exportedCards = Counter.builder("crm.contacts.export.cards")
                .description("Cards read from the database by exports")
                .register(meters);
    }

    /** Checks a filter (unknown custom fields, bad values are a 400) without running it. */
    public void validate(ContactFilter filter, CurrentUser user) {
        queries.criteria(filter.toSearch(null, null, null), user);
    }

    public Page<ContactView> page(ContactFilter filter, String sort, String cursor, Integer size, CurrentUser user) {
        return queries.search(filter.toSearch(sort, cursor, size), user);
    }

    public long count(ContactFilter filter, CurrentUser user) {
        return mongo.count(new Query(queries.criteria(filter.toSearch(null, null, null), user)), Contact.class);
    }

    /** The export's header: {@link #COLUMNS}, then {@code cf.<key>} per custom field of the tenant. */
    public List<String> exportHeader(String tenantId) {
        var header = new ArrayList<>(COLUMNS);
        customFields.all(tenantId).forEach(d -> header.add("cf." + d.key()));
        return header;
    }

    /**
     * The matching cards as rows of {@link #exportHeader}, read through a database cursor in batches of
     * {@value #EXPORT_BATCH}: memory stays flat whatever the number of cards. The caller closes the stream.
     */
    public Stream<List<String>> exportRows(ContactFilter filter, List<String> header, CurrentUser user) {
        var query = new Query(queries.criteria(filter.toSearch(null, null, null), user))
                .with(Sort.by("_id"))
                .cursorBatchSize(EXPORT_BATCH);
        List<String> customKeys = header.stream()
                .filter(h -> h.startsWith("cf."))
                .map(h -> h.substring(3))
                .toList();
        return mongo.stream(query, Contact.class).map(card -> {
            exportedCards.increment();
            return row(card, customKeys);
        });
    }

    private static List<String> row(Contact card, List<String> customKeys) {
        var d = card.data();
        var row = new ArrayList<String>(COLUMNS.size() + customKeys.size());
        row.add(card.getId());
        row.add(d.kind() == null ? null : d.kind().name());
        row.add(d.firstName());
        row.add(d.lastName());
        row.add(d.name());
        row.add(String.join(";", d.phones().stream().map(Phone::number).toList()));
        row.add(String.join(";", d.emails()));
        row.add(d.website());
        row.add(d.city());
        row.add(d.address());
        row.add(d.companyId());
        row.add(d.notes());
        row.add(d.ownerId());
        row.add(d.departmentId());
        row.add(d.source());
        row.add(String.join(";", d.tags()));
        row.add(d.birthday() == null ? null : d.birthday().toString());
        row.add(d.consentEmail() == null ? null : d.consentEmail().toString());
        row.add(d.consentSms() == null ? null : d.consentSms().toString());
        row.add(card.createdAt() == null ? null : card.createdAt().toString());
        row.add(card.updatedAt() == null ? null : card.updatedAt().toString());
        for (String key : customKeys) {
            row.add(text(d.customValues().get(key)));
        }
        return row;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(";", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number)) {
            return String.valueOf(number.longValue());
        }
        return String.valueOf(value);
    }
}
