package io.qgate.fleet.hpa;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * An {@code autoscaling/v2} HorizontalPodAutoscaler's spec, with the controller-manager settings
 * that shape its decisions.
 *
 * @param minReplicas             the floor, >= 1
 * @param maxReplicas             the ceiling
 * @param metrics                 one or more; the largest recommendation wins
 * @param scaleUp                 {@code behavior.scaleUp}
 * @param scaleDown               {@code behavior.scaleDown}
 * @param syncPeriod              {@code --horizontal-pod-autoscaler-sync-period} (15 s)
 * @param cpuInitializationPeriod {@code --horizontal-pod-autoscaler-cpu-initialization-period} (5 min)
 * @param initialReadinessDelay   {@code --horizontal-pod-autoscaler-initial-readiness-delay} (30 s)
 */
public record HpaSpec(int minReplicas, int maxReplicas, List<HpaMetric> metrics, ScalingRules scaleUp,
                      ScalingRules scaleDown, Duration syncPeriod, Duration cpuInitializationPeriod,
                      Duration initialReadinessDelay) {

    public HpaSpec {
        metrics = List.copyOf(metrics);
        requireNonNull(scaleUp, "scaleUp");
        requireNonNull(scaleDown, "scaleDown");
        requireNonNull(syncPeriod, "syncPeriod");
        requireNonNull(cpuInitializationPeriod, "cpuInitializationPeriod");
        requireNonNull(initialReadinessDelay, "initialReadinessDelay");
        if (minReplicas < 1) {
            throw new IllegalArgumentException("minReplicas: " + minReplicas + " (expected: >= 1)");
        }
        if (maxReplicas < minReplicas) {
            throw new IllegalArgumentException("maxReplicas: " + maxReplicas + " (expected: >= minReplicas "
                    + minReplicas + ")");
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("metrics: none (expected: at least one)");
        }
        if (syncPeriod.isNegative() || syncPeriod.isZero()) {
            throw new IllegalArgumentException("syncPeriod: " + syncPeriod + " (expected: > 0)");
        }
    }

    /** The given bounds and metrics with the default behavior and controller settings. */
    public static HpaSpec of(int minReplicas, int maxReplicas, List<HpaMetric> metrics) {
        return new HpaSpec(minReplicas, maxReplicas, metrics, ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown(), Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    public HpaSpec withBehavior(ScalingRules newScaleUp, ScalingRules newScaleDown) {
        return new HpaSpec(minReplicas, maxReplicas, metrics, newScaleUp, newScaleDown, syncPeriod,
                cpuInitializationPeriod, initialReadinessDelay);
    }

    public HpaSpec withMetrics(List<HpaMetric> newMetrics) {
        return new HpaSpec(minReplicas, maxReplicas, newMetrics, scaleUp, scaleDown, syncPeriod,
                cpuInitializationPeriod, initialReadinessDelay);
    }
}
