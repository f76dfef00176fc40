package io.qgate.bench.load;

import java.util.Locale;

/**
 * The one-line status printed every second while a run is going: what was sent and answered, and
 * the latency so far (time to first token too when the answers stream: it is what a streaming
 * client waits for, and what queueing moves first).
 */
final class ProgressLine {
    private final boolean showTtft;
    private long previousCompleted;
    private long previousNanos;

    ProgressLine(long startNanos, boolean showTtft) {
        this.previousNanos = startNanos;
        this.showTtft = showTtft;
    }

    String next(StatsSnapshot now, long startNanos, long nowNanos) {
        double elapsed = (nowNanos - startNanos) / 1e9;
        double interval = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
        double rps = (now.completed() - previousCompleted) / interval;
        previousCompleted = now.completed();
        previousNanos = nowNanos;
        String line = String.format(Locale.ROOT,
                "[%6.1fs] sent %d  done %d  in flight %d  errors %d  %.1f req/s",
                elapsed, now.sent(), now.completed(), now.inFlight(), now.errorCount(), rps);
        if (showTtft) {
            line += String.format(Locale.ROOT, "  ttft p50 %.1f ms  p99 %.1f ms",
                    now.ttftMicros().getValueAtPercentile(50) / 1000.0,
                    now.ttftMicros().getValueAtPercentile(99) / 1000.0);
        }
        return line + String.format(Locale.ROOT, "  e2e p50 %.1f ms  p99 %.1f ms",
                now.e2eMicros().getValueAtPercentile(50) / 1000.0,
                now.e2eMicros().getValueAtPercentile(99) / 1000.0);
    }
}
