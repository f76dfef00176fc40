package io.qgate.bench.load;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency, in milliseconds; all zero when nothing was recorded. */
public record LatencySummary(double p50, double p90, double p99, double mean, double max) {

    static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), micros.getMean() / 1000.0, ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
