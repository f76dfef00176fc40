package io.qgate.gateway.metrics;

/**
 * Latencies in fixed, log-linear buckets (four per power of two of microseconds, as
 * HdrHistogram lays them out with two significant bits), for percentiles over a recent window.
 *
 * <p>Why not Micrometer's timers: their histograms count since the start, per (model, route),
 * so a recent percentile would need stored snapshots to subtract. Here the bucket of a latency
 * is two shifts and a leading-zero count, so {@link RequestWindow} can keep one histogram per
 * second beside the counts it already keeps, and a percentile over the last seconds is a sum.
 * A bucket spans a quarter of its lower bound, so a percentile is within 25 % (interpolated
 * inside its bucket, usually much closer), from 1 µs to 71 minutes; longer ones count in the last bucket.
 */
public final class LatencyHistogram {

    /** Values below this many microseconds have a bucket each. */
    private static final int SUB_BUCKETS = 4;
    private static final int MAX_EXPONENT = 31;
    /** Buckets: 0-3 µs one each, then four per power of two up to 2^32 µs. */
    public static final int BUCKETS = (MAX_EXPONENT - 1) * SUB_BUCKETS + SUB_BUCKETS;

    private final long[] counts;
    private final long total;

    /** @param counts per bucket, as {@link #bucket} indexes them; taken as is, not copied */
    LatencyHistogram(long[] counts) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("counts: " + counts.length + " buckets (expected: " + BUCKETS + ")");
        }
        this.counts = counts;
        long sum = 0;
        for (long count : counts) {
            sum += count;
        }
        this.total = sum;
    }

    /** The bucket of a latency in nanoseconds; no allocation, no branch beyond the range checks. */
    static int bucket(long nanos) {
        long micros = nanos / 1000;
        if (micros < SUB_BUCKETS) {
            return (int) Math.max(0, micros);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exponent - 2)) & (SUB_BUCKETS - 1);
        return (exponent - 1) * SUB_BUCKETS + sub;
    }

    /** The smallest latency of bucket {@code index}, in microseconds. */
    static long lowerMicros(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int exponent = index / SUB_BUCKETS + 1;
        return (long) (SUB_BUCKETS + index % SUB_BUCKETS) << (exponent - 2);
    }

    /** The bound above bucket {@code index} (the next bucket's lower bound), in microseconds. */
    static long upperMicros(int index) {
        return index < SUB_BUCKETS ? index + 1 : lowerMicros(index) + (1L << (index / SUB_BUCKETS - 1));
    }

    /** Latencies counted. */
    public long count() {
        return total;
    }

    /**
     * The {@code q} quantile in seconds, interpolated linearly inside its bucket as Prometheus's
     * {@code histogram_quantile} does; NaN when nothing was counted.
     */
    public double quantileSeconds(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0 to 1)");
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long count = counts[i];
            if (count > 0 && below + count >= rank) {
                double lower = lowerMicros(i);
                double fraction = Math.max(0, rank - below) / count;
                return (lower + (upperMicros(i) - lower) * fraction) / 1e6;
            }
            below += count;
        }
        return upperMicros(BUCKETS - 1) / 1e6;
    }
}
