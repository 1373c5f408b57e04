package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The key type of {@link ValueOrderedUniqueIndex}'s map: keys are stored as MVStore's {@link ObjectDataType} stores
 * them, but ordered by their values, in MongoDB's order of BSON values.
 *
 * <p>The stock backend's index maps order a {@link KeyValue} (not {@link Comparable}) by its Java serialization:
 * every step of every binary search serialized both keys. In B3's ingestion into the disk database that was 46% of
 * the database's CPU. It also threw "Can not compare" for some layouts of mixed key types.
 *
 * <p>Two keys are equal exactly when {@link KeyValue#equals} says so. Keys equal in BSON order but not as objects,
 * which normalized index keys never are, and values the comparator does not know, fall back to the serialized
 * order, so the order stays total.
 */
final class IndexKeyOrder extends ObjectDataType {

    private static final ValueComparator VALUES = ValueComparator.ascWithoutListHandling();

    /** One per map, as MVStore gives each map its own {@link ObjectDataType}: it remembers the last type it saw. */
    IndexKeyOrder() {}

    @Override
    public int compare(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (!(a instanceof KeyValue left) || !(b instanceof KeyValue right)) {
            return super.compare(a, b);
        }
        try {
            int common = Math.min(left.size(), right.size());
            for (int i = 0; i < common; i++) {
                int byValue = VALUES.compare(left.get(i), right.get(i));
                if (byValue != 0) {
                    return byValue;
                }
            }
            int bySize = Integer.compare(left.size(), right.size());
            if (bySize != 0 || left.equals(right)) {
                return bySize;
            }
        } catch (UnsupportedOperationException unknownType) {
            // a value the comparator cannot order: as the stock backend orders it
        }
        return compareNotNull(serialize(a), serialize(b));
    }
}
