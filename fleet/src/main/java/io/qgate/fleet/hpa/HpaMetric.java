package io.qgate.fleet.hpa;

import static java.util.Objects.requireNonNull;

/** One entry of {@code spec.metrics}. */
public sealed interface HpaMetric {

    /** A display name. */
    String name();

    /**
     * A {@code Resource} metric on {@code cpu} with an {@code Utilization} target: the pods'
     * average CPU use as a percentage of their requests.
     */
    record CpuUtilization(int targetPercent) implements HpaMetric {
        public CpuUtilization {
            if (targetPercent <= 0) {
                throw new IllegalArgumentException("targetPercent: " + targetPercent + " (expected: > 0)");
            }
        }

        @Override
        public String name() {
            return "cpu";
        }
    }

    /**
     * An {@code Object} or {@code External} metric with an {@code AverageValue} target: one value
     * for the whole workload (a rate, a queue length), divided by the target per replica.
     */
    record AverageValue(String name, double target) implements HpaMetric {
        public AverageValue {
            requireNonNull(name, "name");
            if (!(target > 0) || Double.isInfinite(target)) {
                throw new IllegalArgumentException("target: " + target + " (expected: > 0)");
            }
        }
    }
}
