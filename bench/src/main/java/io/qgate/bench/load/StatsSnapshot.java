package io.qgate.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Counters and latency histograms of one event loop at one moment, or of several merged.
 * Histograms are in microseconds and are copies: the snapshot is safe to read on any thread.
 *
 * @param sent      requests issued (including those that failed before reaching the server)
 * @param completed requests that ended, successfully or not
 */
record StatsSnapshot(long sent, long completed, long ok, long inFlight, Map<String, Long> errors,
                     long outputTokens, Histogram ttftMicros, Histogram e2eMicros) {

    /** Ten minutes: longer answers are recorded as ten minutes rather than lost. */
    static final long HIGHEST_MICROS = 600_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    static StatsSnapshot empty() {
        return new StatsSnapshot(0, 0, 0, 0, Map.of(), 0, newHistogram(), newHistogram());
    }

    long errorCount() {
        return completed - ok;
    }

    StatsSnapshot merge(StatsSnapshot other) {
        Map<String, Long> mergedErrors = new TreeMap<>(errors);
        other.errors.forEach((kind, count) -> mergedErrors.merge(kind, count, Long::sum));
        Histogram ttft = ttftMicros.copy();
        ttft.add(other.ttftMicros);
        Histogram e2e = e2eMicros.copy();
        e2e.add(other.e2eMicros);
        return new StatsSnapshot(sent + other.sent, completed + other.completed, ok + other.ok,
                inFlight + other.inFlight, Map.copyOf(mergedErrors), outputTokens + other.outputTokens, ttft, e2e);
    }
}
