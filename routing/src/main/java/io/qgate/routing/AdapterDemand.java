package io.qgate.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests per second this gateway sends for each LoRA adapter, smoothed over
 * {@link #SMOOTHING_NANOS}: what {@link AdapterPlacement} sizes an adapter's replicas by. Every
 * gateway sees its own share of the traffic, but the same proportions, so they place alike.
 *
 * <p>Counting is lock-free; {@link #rates} is called by one thread at a time (the placement's).
 * Bounded like {@link KnownAdapters}.
 */
final class AdapterDemand {

    /** Long enough that a burst does not move adapters, short enough to follow a shift in minutes. */
    static final long SMOOTHING_NANOS = 30_000_000_000L;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, Double> smoothed = new HashMap<>();
    private long lastNanos;
    private boolean started;

    /** A request for {@code adapter} was sent. */
    void count(String adapter) {
        LongAdder n = counts.get(adapter);
        if (n == null) {
            if (counts.size() >= KnownAdapters.MAX) {
                return;
            }
            n = counts.computeIfAbsent(adapter, name -> new LongAdder());
        }
        n.increment();
    }

    /**
     * Each adapter's smoothed rate at {@code nowNanos}, folding in what was counted since the
     * last call. The first call, with no interval to divide by, gives each adapter its count.
     */
    Map<String, Double> rates(long nowNanos) {
        double seconds = started ? (nowNanos - lastNanos) / 1e9 : 0;
        double alpha = started ? -Math.expm1(-(nowNanos - lastNanos) / (double) SMOOTHING_NANOS) : 1;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            long n = e.getValue().sumThenReset();
            double rate = seconds > 0 ? n / seconds : n;
            smoothed.merge(e.getKey(), rate, (old, now) -> old + alpha * (now - old));
        }
        lastNanos = nowNanos;
        started = true;
        return Map.copyOf(smoothed);
    }
}
