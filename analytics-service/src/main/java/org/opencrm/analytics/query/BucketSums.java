package org.opencrm.analytics.query;

/**
 * Net sums per histogram bucket (the count of durations and their seconds), kept in primitive arrays.
 *
 * <p>The funnel report adds every bucket figure of every rollup entry it reads (~400,000 for a quarter at
 * 1,000,000 deals) into its rows' histograms; as a {@code HashMap<Long, long[]>} that was a third of the report's
 * time (boxing each bucket, {@code Long.equals}, and tree bins: buckets past {@link
 * org.opencrm.analytics.projection.FirstResponses#EXACT_BELOW} are multiples of powers of two, whose hash codes
 * collide). Open addressing with Fibonacci hashing spreads them.
 */
final class BucketSums {

    /** Receives one bucket's sums. */
    interface Visitor {
        void bucket(long bucket, long count, long seconds);
    }

    private int bits = 6;
    private long[] buckets = new long[1 << bits];
    private long[] counts = new long[1 << bits];
    private long[] seconds = new long[1 << bits];
    private boolean[] used = new boolean[1 << bits];
    private int size;

    void add(long bucket, long count, long secondsSum) {
        int slot = slot(bucket);
        counts[slot] += count;
        seconds[slot] += secondsSum;
    }

    /** Every bucket added, in no particular order. */
    void forEach(Visitor visitor) {
        for (int slot = 0; slot < used.length; slot++) {
            if (used[slot]) {
                visitor.bucket(buckets[slot], counts[slot], seconds[slot]);
            }
        }
    }

    private int slot(long bucket) {
        int mask = used.length - 1;
        for (int slot = hash(bucket); ; slot = (slot + 1) & mask) {
            if (!used[slot]) {
                if (2 * (size + 1) > used.length) {
                    grow();
                    return slot(bucket);
                }
                used[slot] = true;
                buckets[slot] = bucket;
                size++;
                return slot;
            }
            if (buckets[slot] == bucket) {
                return slot;
            }
        }
    }

    private int hash(long bucket) {
        return (int) ((bucket * 0x9E3779B97F4A7C15L) >>> (64 - bits));
    }

    private void grow() {
        long[] oldBuckets = buckets;
        long[] oldCounts = counts;
        long[] oldSeconds = seconds;
        boolean[] oldUsed = used;
        bits++;
        buckets = new long[1 << bits];
        counts = new long[1 << bits];
        seconds = new long[1 << bits];
        used = new boolean[1 << bits];
        size = 0;
        for (int slot = 0; slot < oldUsed.length; slot++) {
            if (oldUsed[slot]) {
                add(oldBuckets[slot], oldCounts[slot], oldSeconds[slot]);
            }
        }
    }
}
