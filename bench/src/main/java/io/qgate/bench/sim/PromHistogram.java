package io.qgate.bench.sim;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram with fixed buckets, safe to observe from any thread. */
final class PromHistogram {

    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    PromHistogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bounds: not increasing at index " + i);
            }
        }
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts[i].increment();
                break;
            }
        }
        sum.add(value);
        count.increment();
    }

    long count() {
        return count.sum();
    }

    /**
     * Appends {@code _bucket}, {@code _count} and {@code _sum} lines in the order vLLM's Python
     * client prints them, labels sorted like vLLM's ({@code engine}, {@code le}, {@code model_name}).
     *
     * @param engineLabel {@code engine="0"}
     * @param modelLabel  {@code model_name="..."}
     */
    void render(StringBuilder out, String name, String engineLabel, String modelLabel) {
        long total = count.sum();
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i].sum();
            out.append(name).append("_bucket{").append(engineLabel).append(",le=\"")
                    .append(PromText.number(bounds[i])).append("\",").append(modelLabel).append("} ")
                    .append(PromText.number(cumulative)).append('\n');
        }
        // Observations may land between the reads above; +Inf must still be the largest bucket.
        out.append(name).append("_bucket{").append(engineLabel).append(",le=\"+Inf\",").append(modelLabel)
                .append("} ").append(PromText.number(Math.max(total, cumulative))).append('\n');
        out.append(name).append("_count{").append(engineLabel).append(',').append(modelLabel).append("} ")
                .append(PromText.number(Math.max(total, cumulative))).append('\n');
        out.append(name).append("_sum{").append(engineLabel).append(',').append(modelLabel).append("} ")
                .append(PromText.number(sum.sum())).append('\n');
    }
}
