package org.opencrm.analytics.query;

import org.opencrm.analytics.projection.FirstResponses;

/**
 * The median of durations kept as a histogram ({@link FirstResponses#bucket}: per bucket the count and the sum of
 * seconds), as the funnel's time in stage and activity's first response report it.
 */
final class DurationMedian {

    private DurationMedian() {}

    /**
     * The middle of the durations (the mean of the two middle ones for an even count) as the histogram keeps them:
     * a duration below {@link FirstResponses#EXACT_BELOW} s is itself, one above it the mean of its bucket (at most
     * 0.05% off); the same figure whether the durations come from the rollups or the facts. One ascending pass.
     */
    /**
     * The buckets holding the middle durations {@link #of} reads: one, or two for an even count whose middle ones lie
     * in different buckets; none for no durations.
     */
    static long[] middleBuckets(BucketSums durations) {
        long[] total = {0};
        durations.forEach((bucket, count, seconds) -> total[0] += count);
        if (total[0] <= 0) {
            return new long[0];
        }
        long low = (total[0] - 1) / 2;
        long high = total[0] / 2;
        long[] middle = {Long.MIN_VALUE, Long.MIN_VALUE};
        long[] seen = {0};
        durations.forEach((bucket, count, seconds) -> {
            long first = seen[0];
            seen[0] += count;
            if (low >= first && low < seen[0]) {
                middle[0] = bucket;
            }
            if (high >= first && high < seen[0]) {
                middle[1] = bucket;
            }
        });
        return middle[0] == middle[1] ? new long[] {middle[0]} : middle;
    }

    static Double of(BucketSums durations) {
        long[] total = {0};
        durations.forEach((bucket, count, seconds) -> total[0] += count);
        if (total[0] == 0) {
            return null;
        }
        long low = (total[0] - 1) / 2;
        long high = total[0] / 2;
        double[] middle = new double[2];
        long[] seen = {0};
        durations.forEach((bucket, count, seconds) -> {
            long first = seen[0];
            seen[0] += count;
            double duration = bucket < FirstResponses.EXACT_BELOW ? bucket : (double) seconds / count;
            if (low >= first && low < seen[0]) {
                middle[0] = duration;
            }
            if (high >= first && high < seen[0]) {
                middle[1] = duration;
            }
        });
        return (middle[0] + middle[1]) / 2;
    }
}
