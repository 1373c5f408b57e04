package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        sums.forEach((bucket, count, seconds) ->
                assertThat(actual.put(bucket, List.of(count, seconds))).isNull());
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void nothingAddedVisitsNothing() {
        new BucketSums().forEach((bucket, count, seconds) -> {
            throw new AssertionError("visited " + bucket);
        });
    }
}
