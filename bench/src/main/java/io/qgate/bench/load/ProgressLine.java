package io.qgate.bench.load;

import java.util.Locale;

/** The one-line status printed every second while a run is going. */
final class ProgressLine {
    private long previousCompleted;
    private long previousNanos;

    ProgressLine(long startNanos) {
        this.previousNanos = startNanos;
    }

    String next(StatsSnapshot now, long startNanos, long nowNanos) {
        double elapsed = (nowNanos - startNanos) / 1e9;
        double interval = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
        double rps = (now.completed() - previousCompleted) / interval;
        previousCompleted = now.completed();
        previousNanos = nowNanos;
        return String.format(Locale.ROOT,
                "[%6.1fs] sent %d  done %d  in flight %d  errors %d  %.1f req/s  e2e p50 %.1f ms  p99 %.1f ms",
                elapsed, now.sent(), now.completed(), now.inFlight(), now.errorCount(), rps,
                now.e2eMicros().getValueAtPercentile(50) / 1000.0,
                now.e2eMicros().getValueAtPercentile(99) / 1000.0);
    }
}
