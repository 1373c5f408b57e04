package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;

/**
 * Filters that pin {@code _id} next to other fields, which mongo-java-server answers by a scan.
 *
 * <p>The library uses an index only when the filter's fields are exactly the index's fields. Every optimistic
 * locking save filters {@code {_id, version}} (Spring Data renders it flat; the driver's {@code Filters.and} as
 * {@code $and}); real MongoDB answers such a filter from the {@code _id} index and checks the other fields on the
 * one document found. The test kit's backends do the same through {@link #candidates}.
 */
final class IdPins {

    private static final String ID = "_id";
    private static final String AND = "$and";

    private IdPins() {}

    /**
     * The positions of the documents an {@code _id} index finds for the filter's {@code _id} condition, when the
     * filter pins {@code _id} beside other fields; null when it does not (the library's own planning is then as
     * good). Every candidate must still go through the whole filter.
     */
    static <P> Iterable<P> candidates(Document query, List<Index<P>> indexes) {
        if (query.size() + (query.containsKey(AND) ? 1 : 0) <= 1) {
            return null;
        }
        return pinned(query, indexes);
    }

    /**
     * The positions of the documents an {@code _id} index finds for the filter's {@code _id} condition, the filter
     * naming other fields or not; null when it does not pin {@code _id}. Every one must still go through the filter.
     */
    static <P> Iterable<P> pinned(Document query, List<Index<P>> indexes) {
        Object id = idCondition(query);
        if (id == null) {
            return null;
        }
        var byId = new Document(ID, id);
        for (Index<P> index : indexes) {
            if (index.canHandle(byId)) {
                return index.getPositions(byId);
            }
        }
        return null;
    }

    /** The {@code _id} condition of {@code {_id: c, ...}} or {@code {$and: [{_id: c}, ...]}}, else null. */
    private static Object idCondition(Document query) {
        if (query.containsKey(ID)) {
            return query.get(ID);
        }
        if (query.size() == 1 && query.get(AND) instanceof List<?> terms) {
            for (Object term : terms) {
                if (term instanceof Document d && d.size() == 1 && d.containsKey(ID)) {
                    return d.get(ID);
                }
            }
        }
        return null;
    }
}
