package org.opencrm.analytics.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;

/** Small helpers shared by the queries: running a pipeline and turning its raw values into figures. */
final class Figures {

    private Figures() {}

    static List<Document> aggregate(MongoTemplate mongo, String collection, List<Document> pipeline) {
        return mongo.getCollection(collection).aggregate(pipeline).into(new ArrayList<>());
    }

    static Document match(Criteria criteria) {
        return new Document("$match", criteria.getCriteriaObject());
    }

    static long count(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    static BigDecimal decimal(Object value) {
        return switch (value) {
            case null -> BigDecimal.ZERO;
            case Decimal128 d -> d.bigDecimalValue();
            case BigDecimal b -> b;
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case Number n -> new BigDecimal(n.toString());
            default -> throw new IllegalStateException("not a number: " + value.getClass());
        };
    }

    /** A share with four decimals; null when there is nothing to divide by. */
    static BigDecimal ratio(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
    }

    /** An amount without noise digits but with at least the two decimals of most currencies. */
    static BigDecimal money(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 2 ? stripped.setScale(2, RoundingMode.UNNECESSARY) : stripped;
    }

    /** Adds an amount to a per-currency map; amounts without a currency are not money we can add up. */
    static void add(Map<String, BigDecimal> byCurrency, Object currency, Object amount) {
        if (currency == null || amount == null) {
            return;
        }
        byCurrency.merge(currency.toString(), decimal(amount), BigDecimal::add);
    }

    static Map<String, BigDecimal> normalized(Map<String, BigDecimal> byCurrency) {
        Map<String, BigDecimal> result = new TreeMap<>();
        byCurrency.forEach((currency, amount) -> result.put(currency, money(amount)));
        return result;
    }

    static Double median(List<? extends Number> values) {
        if (values.isEmpty()) {
            return null;
        }
        double[] sorted =
                values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static Double average(List<? extends Number> values) {
        return values.isEmpty()
                ? null
                : values.stream().mapToDouble(Number::doubleValue).average().orElseThrow();
    }
}
