package io.qgate.bench.scenario;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One comparison the issue names: a metric of one row divided by the same metric of another,
 * with the bound that meets the target, or none for a comparison shown for context.
 *
 * @param value  numerator / denominator, NaN when the denominator is zero
 * @param target the bound, or {@code null}
 * @param strict whether the value must stay below the bound ("lowers") rather than at most reach it
 */
record Ratio(String name, String metric, String numerator, String denominator, double value, Double target,
             boolean strict) {

    Ratio {
        requireNonNull(name, "name");
        requireNonNull(metric, "metric");
        requireNonNull(numerator, "numerator");
        requireNonNull(denominator, "denominator");
    }

    static Ratio of(String name, String metric, ToDoubleFunction<RowResult> measure, String numerator,
                    String denominator, Double target, boolean strict, List<RowResult> rows) {
        double top = measure.applyAsDouble(find(rows, numerator));
        double bottom = measure.applyAsDouble(find(rows, denominator));
        return new Ratio(name, metric, numerator, denominator, bottom == 0 ? Double.NaN : top / bottom, target, strict);
    }

    /** Whether the target is met; {@code null} when there is no target. */
    Boolean met() {
        if (target == null) {
            return null;
        }
        return strict ? value < target : value <= target;
    }

    /** The target as the report shows it: {@code <= 0.5}, {@code < 1}. */
    String targetText() {
        if (target == null) {
            return "";
        }
        String bound = target == Math.rint(target) ? Long.toString(target.longValue()) : target.toString();
        return (strict ? "< " : "<= ") + bound;
    }

    private static RowResult find(List<RowResult> rows, String name) {
        return rows.stream().filter(row -> row.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row " + name));
    }
}
