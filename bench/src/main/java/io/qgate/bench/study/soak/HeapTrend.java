package io.qgate.bench.study.soak;

import java.util.List;

/**
 * The trend of a series of heap readings: the least-squares slope in MB per minute, and whether it
 * stays within a limit. A steady leak shows as a positive slope however noisy single readings are.
 *
 * @param samples       readings the slope was fitted to
 * @param slopeMbPerMin the fitted slope, or {@code NaN} with fewer than {@link #MIN_SAMPLES} readings
 */
record HeapTrend(int samples, double slopeMbPerMin) {

    static final int MIN_SAMPLES = 3;

    /** Fits {@code mb} over {@code minutes} (same length). */
    static HeapTrend fit(List<Double> minutes, List<Double> mb) {
        int n = minutes.size();
        if (n != mb.size()) {
            throw new IllegalArgumentException("minutes and mb differ in length: " + n + ", " + mb.size());
        }
        if (n < MIN_SAMPLES) {
            return new HeapTrend(n, Double.NaN);
        }
        double meanX = minutes.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double meanY = mb.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = minutes.get(i) - meanX;
            sxy += dx * (mb.get(i) - meanY);
            sxx += dx * dx;
        }
        return new HeapTrend(n, sxx == 0 ? Double.NaN : sxy / sxx);
    }

    boolean judged() {
        return !Double.isNaN(slopeMbPerMin);
    }

    boolean flat(double limitMbPerMin) {
        return judged() && slopeMbPerMin <= limitMbPerMin;
    }
}
