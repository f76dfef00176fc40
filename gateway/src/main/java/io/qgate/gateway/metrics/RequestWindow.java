package io.qgate.gateway.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Requests received and answered over the last 60 seconds, in one-second buckets, for the
 * in-process gauges ({@code qgate_request_rate}, {@code qgate_request_latency_average_seconds})
 * and {@code /scaling}: consumers without PromQL (KEDA's metrics-api scaler) read them as they are.
 *
 * <p>Lock-free: each bucket is tagged with its second and reset by the first writer of a new
 * second; a write racing that reset may be lost, an error far below what the gauges resolve.
 */
final class RequestWindow {

    static final int SECONDS = 60;
    private static final int RECEIVED = 0;
    private static final int ANSWERED = 1;
    private static final int LATENCY_NANOS = 2;

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final AtomicLongArray seconds = new AtomicLongArray(SECONDS);
    private final AtomicLongArray values = new AtomicLongArray(SECONDS * 3);

    RequestWindow(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        for (int i = 0; i < SECONDS; i++) {
            seconds.set(i, -1);
        }
    }

    void received() {
        values.incrementAndGet(bucket() * 3 + RECEIVED);
    }

    void answered(long latencyNanos) {
        int bucket = bucket();
        values.incrementAndGet(bucket * 3 + ANSWERED);
        values.addAndGet(bucket * 3 + LATENCY_NANOS, latencyNanos);
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

    private long sum(int field, long now) {
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long tag = seconds.get(i);
            if (tag >= 0 && now - tag < SECONDS) {
                total += values.get(i * 3 + field);
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
            values.set(index * 3 + RECEIVED, 0);
            values.set(index * 3 + ANSWERED, 0);
            values.set(index * 3 + LATENCY_NANOS, 0);
        }
        return index;
    }
}
