package io.qgate.bench.load;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** What one event loop has measured. Touched only by that loop's thread, so it takes no locks. */
final class LaneStats {
    private long sent;
    private long completed;
    private long ok;
    private long outputTokens;
    private final Map<String, long[]> errors = new HashMap<>();
    private final Histogram ttftMicros = StatsSnapshot.newHistogram();
    private final Histogram e2eMicros = StatsSnapshot.newHistogram();

    void sent() {
        sent++;
    }

    /** Latency is recorded for successful requests only: a fast 500 says nothing about serving time. */
    void record(Outcome outcome) {
        completed++;
        if (!outcome.isOk()) {
            errors.computeIfAbsent(outcome.error(), kind -> new long[1])[0]++;
            return;
        }
        ok++;
        outputTokens += outcome.outputTokens();
        ttftMicros.recordValue(micros(outcome.ttftNanos()));
        e2eMicros.recordValue(micros(outcome.e2eNanos()));
    }

    StatsSnapshot snapshot(long inFlight) {
        Map<String, Long> counts = new HashMap<>();
        errors.forEach((kind, count) -> counts.put(kind, count[0]));
        return new StatsSnapshot(sent, completed, ok, inFlight, Map.copyOf(counts), outputTokens,
                ttftMicros.copy(), e2eMicros.copy());
    }

    private static long micros(long nanos) {
        return Math.max(0, Math.min(StatsSnapshot.HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }
}
