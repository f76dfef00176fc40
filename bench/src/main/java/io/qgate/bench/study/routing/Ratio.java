package io.qgate.bench.study.routing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One comparison the issue names: a metric of one row divided by the same metric of another,
 * with the largest value that meets the target, or none for a comparison shown for context.
 *
 * @param value  numerator / denominator, NaN when the denominator is zero
 * @param target the largest passing value, or {@code null}
 */
record Ratio(String name, String metric, String numerator, String denominator, double value, Double target) {

    Ratio {
        requireNonNull(name, "name");
        requireNonNull(metric, "metric");
        requireNonNull(numerator, "numerator");
        requireNonNull(denominator, "denominator");
    }

    static Ratio of(String name, String metric, ToDoubleFunction<RowResult> measure, String numerator,
                    String denominator, Double target, List<RowResult> rows) {
        if (rows.stream().noneMatch(row -> row.name().equals(numerator))
                || rows.stream().noneMatch(row -> row.name().equals(denominator))) {
            return null; // one side did not run (--rows)
        }
        double top = measure.applyAsDouble(find(rows, numerator));
        double bottom = measure.applyAsDouble(find(rows, denominator));
        return new Ratio(name, metric, numerator, denominator, bottom == 0 ? Double.NaN : top / bottom, target);
    }

    /** Whether the target is met; {@code null} when there is no target. */
    Boolean met() {
        return target == null ? null : value <= target;
    }

    /** The target as the report shows it, such as {@code <= 0.5}; empty without one. */
    String targetText() {
        return target == null ? "" : "<= " + target;
    }

    private static RowResult find(List<RowResult> rows, String name) {
        return rows.stream().filter(row -> row.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row " + name));
    }
}
