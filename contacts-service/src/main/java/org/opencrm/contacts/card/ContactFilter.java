package org.opencrm.contacts.card;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;

/**
 * The filter language of card search, shared by search, export and segments: {@code q}, {@code tag},
 * {@code ownerId}, {@code departmentId}, {@code city}, {@code source} and {@code cf.<key>}. Values are
 * plain strings; they are checked against the tenant's custom fields when a query is built.
 */
public record ContactFilter(
        String q,
        String tag,
        String ownerId,
        String departmentId,
        String city,
        String source,
        Map<String, String> customFilters) {

    static final Set<String> NAMES = Set.of("q", "tag", "ownerId", "departmentId", "city", "source");

    public ContactFilter {
        customFilters = customFilters == null ? Map.of() : Map.copyOf(customFilters);
    }

    /**
     * Reads the filter from request parameters; a parameter that is neither a filter nor one of
     * {@code otherParams} is a 400 naming it.
     */
    public static ContactFilter fromParams(Map<String, String> params, Set<String> otherParams) {
        var custom = new LinkedHashMap<String, String>();
        params.forEach((name, value) -> {
            if (name.startsWith("cf.")) {
                custom.put(name.substring(3), value);
            } else if (!NAMES.contains(name) && !otherParams.contains(name)) {
                throw new InvalidRequestException(List.of(new FieldViolation(name, "is not a search parameter")));
            }
        });
        return new ContactFilter(
                blankToNull(params.get("q")),
                blankToNull(params.get("tag")),
                blankToNull(params.get("ownerId")),
                blankToNull(params.get("departmentId")),
                blankToNull(params.get("city")),
                blankToNull(params.get("source")),
                custom);
    }

    /** The filter as request parameters, the form a segment stores and shows. */
    public Map<String, String> toParams() {
        var params = new LinkedHashMap<String, String>();
        put(params, "q", q);
        put(params, "tag", tag);
        put(params, "ownerId", ownerId);
        put(params, "departmentId", departmentId);
        put(params, "city", city);
        put(params, "source", source);
        customFilters.forEach((key, value) -> params.put("cf." + key, value));
        return params;
    }

    ContactQueries.SearchParams toSearch(String sort, String cursor, Integer size) {
        return new ContactQueries.SearchParams(
                q, tag, ownerId, departmentId, city, source, customFilters, sort, cursor, size);
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (value != null) {
            params.put(name, value);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
