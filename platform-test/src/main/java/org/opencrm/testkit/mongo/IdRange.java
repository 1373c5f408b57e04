package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The bounds on {@code _id} a filter sets by {@code $gt/$gte/$lt/$lte}, at its top level or in a top-level
 * {@code $and}; null when it sets none. Every bound must be of one comparable kind (strings, numbers, object
 * ids or dates) so that the range holds exactly the values MongoDB's type bracketing would compare; anything
 * else in the filter (other operators on {@code _id}, other fields, {@code $or}) is left to the full filter,
 * which every candidate still goes through.
 */
record IdRange(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {

    private static final String ID = "_id";
    private static final String AND = "$and";
    private static final Comparator<Object> VALUES = ValueComparator.asc();

    static IdRange of(Document query) {
        List<Document> conditions = new ArrayList<>();
        if (query.get(ID) instanceof Document d) {
            conditions.add(d);
        }
        if (query.get(AND) instanceof List<?> terms) {
            for (Object term : terms) {
                if (term instanceof Document t && t.get(ID) instanceof Document d) {
                    conditions.add(d);
                }
            }
        }
        IdRange range = null;
        for (Document condition : conditions) {
            if (condition.keySet().stream().anyMatch(k -> !k.startsWith("$"))) {
                // {_id: {a: 1}} is an equality with an embedded document, not operators
                continue;
            }
            for (var operator : condition.entrySet()) {
                Object value = operator.getValue();
                IdRange bound = switch (operator.getKey()) {
                    case "$gt" -> new IdRange(value, false, null, false);
                    case "$gte" -> new IdRange(value, true, null, false);
                    case "$lt" -> new IdRange(null, false, value, false);
                    case "$lte" -> new IdRange(null, false, value, true);
                    default -> null;
                };
                if (bound == null) {
                    continue;
                }
                if (kind(value) == null || (range != null && !kind(value).equals(range.kind()))) {
                    return null;
                }
                range = range == null ? bound : range.and(bound);
            }
        }
        return range;
    }

    /** Whether the bounds are strings, the ids of every range read here (due index, rollups). */
    boolean ofStrings() {
        return "string".equals(kind());
    }

    private String kind() {
        return kind(lower != null ? lower : upper);
    }

    private static String kind(Object value) {
        return switch (value) {
            case String s -> "string";
            case Double d when d.isNaN() -> null;
            case Float f when f.isNaN() -> null;
            case Integer i -> "number";
            case Long l -> "number";
            case Double d -> "number";
            case ObjectId o -> "objectId";
            case Instant i -> "date";
            case Date d -> "date";
            case null, default -> null;
        };
    }

    /** Both bounds: the higher lower one and the lower upper one. */
    private IdRange and(IdRange other) {
        Object lo = lower;
        boolean loIn = lowerInclusive;
        if (other.lower != null) {
            int c = lo == null ? -1 : VALUES.compare(lo, other.lower);
            if (c < 0 || (c == 0 && !other.lowerInclusive)) {
                lo = other.lower;
                loIn = other.lowerInclusive;
            }
        }
        Object hi = upper;
        boolean hiIn = upperInclusive;
        if (other.upper != null) {
            int c = hi == null ? 1 : VALUES.compare(hi, other.upper);
            if (c > 0 || (c == 0 && !other.upperInclusive)) {
                hi = other.upper;
                hiIn = other.upperInclusive;
            }
        }
        return new IdRange(lo, loIn, hi, hiIn);
    }

    /** 1 for a sort on {@code _id} ascending alone, -1 descending, 0 for no sort or any other. */
    static int idOrder(Document orderBy) {
        if (orderBy != null && orderBy.size() == 1 && orderBy.get(ID) instanceof Number n) {
            return n.intValue() < 0 ? -1 : 1;
        }
        return 0;
    }

    static boolean isNatural(Document orderBy) {
        return orderBy != null && orderBy.containsKey("$natural");
    }
}
