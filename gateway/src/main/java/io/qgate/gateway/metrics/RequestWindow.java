package io.qgate.gateway.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Requests received and answered over the last 60 seconds, in one-second buckets, for the
 * in-process gauges ({@code qgate_request_rate}, {@code qgate_request_latency_average_seconds}),
 * {@code /scaling} and {@code /status.json}: consumers without PromQL (KEDA's metrics-api scaler,
 * the status page) read them as they are. Each second also keeps a {@link LatencyHistogram} of
 * the latency and of the time to first byte of its successful answers, for recent percentiles.
 *
 * <p>Lock-free: each bucket is tagged with its second and reset by the first writer of a new
 * second; a write racing that reset may be lost, an error far below what the gauges resolve.
 */
final class RequestWindow {

    static final int SECONDS = 60;
    private static final int RECEIVED = 0;
    private static final int ANSWERED = 1;
    private static final int LATENCY_NANOS = 2;
    private static final int ERRORS = 3;
    private static final int REJECTED = 4;
    private static final int LATENCY_BUCKETS = 5;
    private static final int FIRST_BYTE_BUCKETS = LATENCY_BUCKETS + LatencyHistogram.BUCKETS;
    /** Longs per second: the counts, then the two histograms. */
    private static final int STRIDE = FIRST_BYTE_BUCKETS + LatencyHistogram.BUCKETS;

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final AtomicLongArray seconds = new AtomicLongArray(SECONDS);
    private final AtomicLongArray values = new AtomicLongArray(SECONDS * STRIDE);

    RequestWindow(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        for (int i = 0; i < SECONDS; i++) {
            seconds.set(i, -1);
        }
    }

    void received() {
        values.incrementAndGet(bucket() * STRIDE + RECEIVED);
    }

    /**
     * A request is over. Only successful answers enter the percentiles: a burst of instant 429s
     * would otherwise make an overloaded pool look fast; errors and rejections are counted apart.
     *
     * @param firstByteNanos time to the first response body byte, or a negative value if none came
     */
    void answered(int code, long latencyNanos, long firstByteNanos) {
        int base = bucket() * STRIDE;
        values.incrementAndGet(base + ANSWERED);
        values.addAndGet(base + LATENCY_NANOS, latencyNanos);
        if (code < 400) {
            values.incrementAndGet(base + LATENCY_BUCKETS + LatencyHistogram.bucket(latencyNanos));
            if (firstByteNanos >= 0) {
                values.incrementAndGet(base + FIRST_BYTE_BUCKETS + LatencyHistogram.bucket(firstByteNanos));
            }
        } else if (code == 429) {
            values.incrementAndGet(base + REJECTED);
        } else if (code >= 500) {
            values.incrementAndGet(base + ERRORS);
        }
    }

    /** Requests received per second over the last 60 s (over the uptime while that is shorter). */
    double rate() {
        long now = second();
        double seconds = Math.min(SECONDS, Math.max(1, (nanoClock.getAsLong() - startNanos) / 1e9));
        return sum(RECEIVED, now) / seconds;
    }

    /** Mean latency of the requests answered in the last 60 s, in seconds; 0 when none were. */
    double averageLatencySeconds() {
        long now = second();
        long answered = sum(ANSWERED, now);
        return answered == 0 ? 0 : sum(LATENCY_NANOS, now) / 1e9 / answered;
    }

    /**
     * The last {@code count} complete seconds (fewer while the gateway is younger): whole seconds
     * only, so that a figure does not dip each time a new second starts empty.
     */
    RecentRequests recent(int count) {
        if (count < 1 || count >= SECONDS) {
            throw new IllegalArgumentException("seconds: " + count + " (expected: 1 to " + (SECONDS - 1) + ")");
        }
        long now = second();
        int covered = (int) Math.min(count, now);
        long[] totals = new long[STRIDE];
        for (long second = now - covered; second < now; second++) {
            int index = (int) (second % SECONDS);
            if (seconds.get(index) != second) {
                continue;
            }
            for (int field = 0; field < STRIDE; field++) {
                totals[field] += values.get(index * STRIDE + field);
            }
        }
        long[] latency = new long[LatencyHistogram.BUCKETS];
        long[] firstByte = new long[LatencyHistogram.BUCKETS];
        System.arraycopy(totals, LATENCY_BUCKETS, latency, 0, latency.length);
        System.arraycopy(totals, FIRST_BYTE_BUCKETS, firstByte, 0, firstByte.length);
        return new RecentRequests(covered, totals[RECEIVED], totals[ANSWERED], totals[ERRORS], totals[REJECTED],
                new LatencyHistogram(latency), new LatencyHistogram(firstByte));
    }

    private long sum(int field, long now) {
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long tag = seconds.get(i);
            if (tag >= 0 && now - tag < SECONDS) {
                total += values.get(i * STRIDE + field);
            }
        }
        return total;
    }

    private long second() {
        return (nanoClock.getAsLong() - startNanos) / 1_000_000_000L;
    }

    /** The bucket of the current second, cleared first if it still holds an older second. */
    private int bucket() {
        long now = second();
        int index = (int) (now % SECONDS);
        long tag = seconds.get(index);
        if (tag != now && seconds.compareAndSet(index, tag, now)) {
            for (int field = 0; field < STRIDE; field++) {
                values.set(index * STRIDE + field, 0);
            }
        }
        return index;
    }
}
