package io.qgate.bench.load;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.node.ObjectNode;

/** Percentiles of one latency, in milliseconds; all zero when nothing was recorded. */
public record LatencySummary(double p50, double p90, double p99, double mean, double max) {

    static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), micros.getMean() / 1000.0, ms(micros.getMaxValue()));
    }

    /** Puts {@code p50}, {@code p90}, {@code p99}, {@code mean} and {@code max} into a JSON object, to the microsecond. */
    public void putInto(ObjectNode node) {
        node.put("p50", micro(p50));
        node.put("p90", micro(p90));
        node.put("p99", micro(p99));
        node.put("mean", micro(mean));
        node.put("max", micro(max));
    }

    /** Microsecond resolution is what was measured; more digits would only be noise in reports. */
    private static double micro(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
