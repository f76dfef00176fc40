package io.qgate.bench.harness;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Fleet-wide percentiles of one latency, in modelled milliseconds.
 *
 * <p>Percentiles come from the merged histograms, never from averaging each generator's own:
 * the p99 of three thirds is not the mean of their p99s.
 */
public record Latency(double p50, double p99, double mean, long count) {

    public static Latency merge(List<Histogram> wallMicros, double timeScale) {
        Histogram merged = wallMicros.get(0).copy();
        for (Histogram histogram : wallMicros.subList(1, wallMicros.size())) {
            merged.add(histogram);
        }
        if (merged.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0);
        }
        double toModelledMs = 1.0 / (1000.0 * timeScale);
        return new Latency(merged.getValueAtPercentile(50) * toModelledMs,
                merged.getValueAtPercentile(99) * toModelledMs, merged.getMean() * toModelledMs,
                merged.getTotalCount());
    }
}
