package io.qgate.bench.study.batching;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Batching on divided by batching off for one metric of one phase, with the target where
 * it sets one: at least 3x the throughput at an equal or better p99, in the closed loop.
 *
 * @param value  on / off; NaN when off is zero
 * @param bound  the target's bound, or {@code null} for a ratio shown for context
 * @param atLeast whether the value must reach the bound (throughput) rather than stay under it (latency)
 */
record BatchingRatio(String phase, String metric, double on, double off, double value, Double bound,
                     boolean atLeast) {

    static final double THROUGHPUT_TARGET = 3.0;
    static final double P99_TARGET = 1.0;

    BatchingRatio {
        requireNonNull(phase, "phase");
        requireNonNull(metric, "metric");
    }

    static List<BatchingRatio> of(List<BatchingRow> rows) {
        List<BatchingRatio> ratios = new ArrayList<>();
        for (String phase : List.of("closed", "open")) {
            BatchingRow off = find(rows, phase, BatchingMode.OFF);
            BatchingRow on = find(rows, phase, BatchingMode.ON);
            if (off == null || on == null) {
                continue;
            }
            boolean targets = phase.equals("closed");
            ratios.add(ratio(phase, "throughput", BatchingRow::throughputRps, on, off,
                    targets ? THROUGHPUT_TARGET : null, true));
            ratios.add(ratio(phase, "p50 latency", row -> row.e2eMs().p50(), on, off, null, false));
            ratios.add(ratio(phase, "p99 latency", row -> row.e2eMs().p99(), on, off, targets ? P99_TARGET : null,
                    false));
        }
        return ratios;
    }

    /** Whether the target is met; {@code null} without a target. */
    Boolean met() {
        if (bound == null) {
            return null;
        }
        return atLeast ? value >= bound : value <= bound;
    }

    /** The target as the report shows it, such as {@code >= 3}; empty without one. */
    String targetText() {
        return bound == null ? "" : (atLeast ? ">= " : "<= ") + BatchingScenario.number(bound);
    }

    private static BatchingRatio ratio(String phase, String metric, ToDoubleFunction<BatchingRow> measure,
                                       BatchingRow on, BatchingRow off, Double bound, boolean atLeast) {
        double top = measure.applyAsDouble(on);
        double bottom = measure.applyAsDouble(off);
        return new BatchingRatio(phase, metric, top, bottom, bottom == 0 ? Double.NaN : top / bottom, bound, atLeast);
    }

    private static BatchingRow find(List<BatchingRow> rows, String phase, BatchingMode mode) {
        return rows.stream().filter(row -> row.phase().equals(phase) && row.mode() == mode).findFirst().orElse(null);
    }
}
