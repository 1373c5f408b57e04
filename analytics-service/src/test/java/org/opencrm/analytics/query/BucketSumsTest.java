package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.projection.FirstResponses;

/** Histogram sums per bucket, as the funnel report adds and subtracts them. */
class BucketSumsTest {

    @Test
    void everyBucketKeepsItsOwnNetSumsThroughGrowth() {
        BucketSums sums = new BucketSums();
        Map<Long, List<Long>> expected = new HashMap<>();
        Random random = new Random(8);
        for (int i = 0; i < 200_000; i++) {
            // the histogram's real buckets: exact small durations, then multiples of powers of two (colliding hashes)
            long seconds = random.nextInt(4) == 0 ? random.nextInt(4_000) : (long) (random.nextDouble() * 90 * 86_400);
            long bucket = FirstResponses.bucket(seconds);
            long sign = random.nextInt(5) == 0 ? -1 : 1;
            sums.add(bucket, sign, sign * seconds);
            expected.merge(
                    bucket, List.of(sign, sign * seconds), (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
        }
        sums.add(-3, 1, -3);
        expected.put(-3L, List.of(1L, -3L));

        Map<Long, List<Long>> actual = new HashMap<>();
        List<Long> order = new ArrayList<>();
        sums.forEach((bucket, count, seconds) -> {
            assertThat(actual.put(bucket, List.of(count, seconds))).isNull();
            order.add(bucket);
        });
        expected.values().removeIf(figures -> figures.get(0) == 0 && figures.get(1) == 0);
        assertThat(actual).isEqualTo(expected);
        assertThat(order)
                .as("ascending, the bucket kept apart first")
                .isSorted()
                .startsWith(-3L);
    }

    @Test
    void everyBucketHasItsOwnRankInTheBucketsOrder() {
        Random random = new Random(21);
        for (int i = 0; i < 100_000; i++) {
            long seconds = i < 10_000 ? i : random.nextLong(Long.MAX_VALUE >> random.nextInt(62));
            long bucket = FirstResponses.bucket(seconds);
            int rank = BucketSums.rank(bucket);
            assertThat(BucketSums.bucketOf(rank)).as("bucket of %d s", seconds).isEqualTo(bucket);
            // a bucket's width: 1 s in the exact range, else 1/2048 of its power of two
            long width = bucket < FirstResponses.EXACT_BELOW ? 1 : 1L << (63 - Long.numberOfLeadingZeros(bucket) - 11);
            if (bucket <= Long.MAX_VALUE - width) {
                assertThat(BucketSums.rank(FirstResponses.bucket(bucket + width)))
                        .as("the bucket after %d", bucket)
                        .isEqualTo(rank + 1);
            }
        }
        assertThat(BucketSums.rank(4_097))
                .as("not a bucket: a duration above the exact range")
                .isEqualTo(-1);
        assertThat(BucketSums.rank(-1)).isEqualTo(-1);
    }

    @Test
    void theMedianIsTheSameAsFromTheSortedBuckets() {
        Random random = new Random(34);
        for (int histogram = 0; histogram < 200; histogram++) {
            BucketSums sums = new BucketSums();
            TreeMap<Long, long[]> sorted = new TreeMap<>();
            int durations = 1 + random.nextInt(histogram < 20 ? 4 : 5_000);
            for (int i = 0; i < durations; i++) {
                long seconds = random.nextBoolean() ? random.nextInt(5_000) : random.nextLong(400L * 86_400);
                long bucket = FirstResponses.bucket(seconds);
                long sum = bucket < FirstResponses.EXACT_BELOW ? 0 : seconds;
                sums.add(bucket, 1, sum);
                long[] figures = sorted.computeIfAbsent(bucket, b -> new long[2]);
                figures[0]++;
                figures[1] += sum;
            }
            assertThat(DurationMedian.of(sums)).isEqualTo(middleOf(sorted));
        }
        assertThat(DurationMedian.of(new BucketSums())).isNull();
    }

    @Test
    void nothingAddedVisitsNothing() {
        new BucketSums().forEach((bucket, count, seconds) -> {
            throw new AssertionError("visited " + bucket);
        });
    }

    /** The median read from the buckets in order, one duration at a time: a bucket above the exact range its mean. */
    private static double middleOf(TreeMap<Long, long[]> buckets) {
        List<Double> durations = new ArrayList<>();
        buckets.forEach((bucket, figures) -> {
            for (long i = 0; i < figures[0]; i++) {
                durations.add(bucket < FirstResponses.EXACT_BELOW ? bucket : (double) figures[1] / figures[0]);
            }
        });
        int n = durations.size();
        return (durations.get((n - 1) / 2) + durations.get(n / 2)) / 2;
    }
}
