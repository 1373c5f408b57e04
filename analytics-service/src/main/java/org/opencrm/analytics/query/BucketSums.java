package org.opencrm.analytics.query;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.opencrm.analytics.projection.FirstResponses;

/**
 * Net sums per histogram bucket (the count of durations and their seconds), kept in primitive arrays indexed by the
 * bucket's rank, so that they are added without hashing and read in ascending order without sorting.
 *
 * <p>The funnel report adds every bucket figure of every rollup entry it reads (~400,000 for a quarter at 1,000,000
 * deals) into its rows' histograms, then reads each row's median. A {@code HashMap<Long, long[]>} took a third of the
 * report's time; open addressing over four arrays still took 21% of analytics-service's samples (a cache miss per
 * array and probe over tables of ~20,000 buckets), and ordering the sums in a {@code TreeMap} for the median another
 * 25% (bench B3, JFR of 2026-11-24 10:34). A bucket ({@link FirstResponses#bucket}) is a duration below {@link
 * FirstResponses#EXACT_BELOW} s, else a duration's top 12 bits: 2,048 buckets per power of two. Its rank is its
 * place in that order, and the sums live in pages of 2,048 ranks, allocated when first used. A bucket of no such
 * form (a negative duration; none is written) is kept apart and still read in order.
 */
final class BucketSums {

    /** Receives one bucket's sums. */
    interface Visitor {
        void bucket(long bucket, long count, long seconds);
    }

    private static final int PAGE_BITS = 11;
    private static final int PAGE = 1 << PAGE_BITS;
    /** Exact buckets fill the first pages; then one page per power of two from {@link FirstResponses#EXACT_BELOW}. */
    private static final int EXACT_PAGES = (int) (FirstResponses.EXACT_BELOW / PAGE);

    private static final int EXACT_BITS = 63 - Long.numberOfLeadingZeros(FirstResponses.EXACT_BELOW);

    /** Per page: count and seconds of each rank, interleaved. */
    private long[][] pages = new long[EXACT_PAGES + 8][];

    /** Buckets of no canonical form, by bucket. */
    private TreeMap<Long, long[]> others;

    void add(long bucket, long count, long secondsSum) {
        int rank = rank(bucket);
        if (rank < 0) {
            if (others == null) {
                others = new TreeMap<>();
            }
            long[] figures = others.computeIfAbsent(bucket, b -> new long[2]);
            figures[0] += count;
            figures[1] += secondsSum;
            return;
        }
        int page = rank >>> PAGE_BITS;
        if (page >= pages.length) {
            pages = java.util.Arrays.copyOf(pages, Math.max(page + 1, 2 * pages.length));
        }
        long[] sums = pages[page];
        if (sums == null) {
            sums = pages[page] = new long[2 * PAGE];
        }
        int at = 2 * (rank & (PAGE - 1));
        sums[at] += count;
        sums[at + 1] += secondsSum;
    }

    /** Every bucket whose count or seconds are not zero, in ascending order of the bucket. */
    void forEach(Visitor visitor) {
        Iterator<Map.Entry<Long, long[]>> apart = others == null
                ? java.util.Collections.emptyIterator()
                : others.entrySet().iterator();
        Map.Entry<Long, long[]> nextApart = apart.hasNext() ? apart.next() : null;
        for (int page = 0; page < pages.length; page++) {
            long[] sums = pages[page];
            if (sums == null) {
                continue;
            }
            for (int at = 0; at < sums.length; at += 2) {
                if (sums[at] == 0 && sums[at + 1] == 0) {
                    continue;
                }
                long bucket = bucketOf((page << PAGE_BITS) + at / 2);
                while (nextApart != null && nextApart.getKey() < bucket) {
                    visitApart(nextApart, visitor);
                    nextApart = apart.hasNext() ? apart.next() : null;
                }
                visitor.bucket(bucket, sums[at], sums[at + 1]);
            }
        }
        while (nextApart != null) {
            visitApart(nextApart, visitor);
            nextApart = apart.hasNext() ? apart.next() : null;
        }
    }

    private static void visitApart(Map.Entry<Long, long[]> entry, Visitor visitor) {
        long[] figures = entry.getValue();
        if (figures[0] != 0 || figures[1] != 0) {
            visitor.bucket(entry.getKey(), figures[0], figures[1]);
        }
    }

    /**
     * The bucket's place among buckets in ascending order, or -1 for a bucket {@link FirstResponses#bucket} does not
     * give.
     */
    static int rank(long bucket) {
        if (bucket < 0) {
            return -1;
        }
        if (bucket < FirstResponses.EXACT_BELOW) {
            return (int) bucket;
        }
        int power = 63 - Long.numberOfLeadingZeros(bucket);
        int shift = power - PAGE_BITS;
        if ((bucket >>> shift) << shift != bucket) {
            return -1;
        }
        return ((EXACT_PAGES + power - EXACT_BITS) << PAGE_BITS) + (int) ((bucket >>> shift) - PAGE);
    }

    /** The bucket of a rank: the inverse of {@link #rank}. */
    static long bucketOf(int rank) {
        if (rank < FirstResponses.EXACT_BELOW) {
            return rank;
        }
        int power = (rank >>> PAGE_BITS) - EXACT_PAGES + EXACT_BITS;
        return ((long) PAGE + (rank & (PAGE - 1))) << (power - PAGE_BITS);
    }
}
