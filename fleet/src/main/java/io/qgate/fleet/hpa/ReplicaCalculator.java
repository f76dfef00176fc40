package io.qgate.fleet.hpa;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * How one metric turns into a replica count, as the Kubernetes documentation describes the
 * algorithm (and the controller implements it):
 *
 * <ul>
 *   <li>In general {@code desired = ceil(current × currentValue / targetValue)}, unless the ratio
 *       is within the tolerance of 1, in which case nothing changes.</li>
 *   <li>An {@code AverageValue} target on an Object or External metric divides the metric's total
 *       by the target: {@code desired = ceil(total / target)}; the tolerance is checked against
 *       {@code total / (target × current)}. Readiness plays no part.</li>
 *   <li>CPU utilisation is the sum of the pods' usage over the sum of their requests, as a whole
 *       percentage. Pods being deleted or failed are ignored. Pods that are pending, or not yet
 *       ready, or (within the CPU initialisation period after start) whose sample began before
 *       they turned ready, are set aside, as are pods without a sample. If, with only the rest,
 *       the HPA would scale up, the set-aside unready pods are counted as using nothing and the
 *       pods without samples as using nothing; if it would scale down, pods without samples count
 *       as using their whole request. Either way the result is recomputed, and if the correction
 *       reverses the direction, or brings the ratio within the tolerance, nothing changes.</li>
 * </ul>
 */
public final class ReplicaCalculator {

    private ReplicaCalculator() {}

    /** Whether {@code ratio} is close enough to 1 that nothing changes. */
    static boolean withinTolerance(double ratio, ScalingRules up, ScalingRules down) {
        return 1.0 - down.tolerance() <= ratio && ratio <= 1.0 + up.tolerance();
    }

    /**
     * An {@code AverageValue} target: {@code usage} is the metric's value for the whole workload
     * (both in the metric's units); {@code statusReplicas} the pods the workload has now.
     */
    public static int averageValue(double usage, double target, int statusReplicas, ScalingRules up,
                                   ScalingRules down) {
        // The metrics API and the target are quantities, compared in thousandths.
        long usageMilli = (long) (usage * 1000);
        long targetMilli = Math.max(1, (long) (target * 1000));
        double ratio = (double) usageMilli / ((double) targetMilli * statusReplicas);
        if (withinTolerance(ratio, up, down)) {
            return statusReplicas;
        }
        double replicas = Math.ceil((double) usageMilli / targetMilli);
        return replicas >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) replicas;
    }

    /**
     * A CPU {@code Utilization} target; empty when no pod has a usable sample (the HPA then
     * cannot compute this metric).
     */
    public static OptionalInt cpuUtilization(int currentReplicas, int targetPercent, List<PodCpu> pods, long nowNanos,
                                             long cpuInitializationNanos, long initialReadinessDelayNanos,
                                             ScalingRules up, ScalingRules down) {
        List<PodCpu> counted = new ArrayList<>();
        List<PodCpu> unready = new ArrayList<>();
        List<PodCpu> missing = new ArrayList<>();
        int readyCount = 0;
        for (PodCpu pod : pods) {
            if (pod.deleted()) {
                continue;
            }
            if (pod.pending()) {
                unready.add(pod);
            } else if (!pod.hasMetric()) {
                missing.add(pod);
            } else if (setAside(pod, nowNanos, cpuInitializationNanos, initialReadinessDelayNanos)) {
                unready.add(pod);
            } else {
                counted.add(pod);
                readyCount++;
            }
        }
        if (counted.isEmpty()) {
            return OptionalInt.empty();
        }
        List<Long> usage = new ArrayList<>();
        List<Long> requests = new ArrayList<>();
        for (PodCpu pod : counted) {
            usage.add(pod.usageMilli());
            requests.add(pod.requestMilli());
        }
        double ratio = utilizationRatio(usage, requests, targetPercent);

        boolean scaleUpWithUnready = !unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && missing.isEmpty()) {
            if (withinTolerance(ratio, up, down)) {
                return OptionalInt.of(currentReplicas);
            }
            return OptionalInt.of((int) Math.ceil(ratio * readyCount));
        }

        if (!missing.isEmpty()) {
            if (ratio < 1.0) {
                // Scaling down: a pod without a sample might be busy; assume its whole request (or the target, if higher).
                long fallbackPercent = Math.max(100, targetPercent);
                for (PodCpu pod : missing) {
                    usage.add(pod.requestMilli() * fallbackPercent / 100);
                    requests.add(pod.requestMilli());
                }
            } else if (ratio > 1.0) {
                // Scaling up: assume it idle, so that the step up is not overdone.
                for (PodCpu pod : missing) {
                    usage.add(0L);
                    requests.add(pod.requestMilli());
                }
            }
        }
        if (scaleUpWithUnready) {
            // Pods still starting will take load soon: count them as idle now.
            for (PodCpu pod : unready) {
                usage.add(0L);
                requests.add(pod.requestMilli());
            }
        }
        double newRatio = utilizationRatio(usage, requests, targetPercent);
        if (withinTolerance(newRatio, up, down) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            return OptionalInt.of(currentReplicas);
        }
        int replicas = (int) Math.ceil(newRatio * usage.size());
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas)) {
            return OptionalInt.of(currentReplicas);
        }
        return OptionalInt.of(replicas);
    }

    /** Whether a running pod with a sample is left out as not (yet) ready. */
    private static boolean setAside(PodCpu pod, long nowNanos, long cpuInitializationNanos,
                                    long initialReadinessDelayNanos) {
        if (pod.startNanos() + cpuInitializationNanos > nowNanos) {
            // Still initialising: only a ready pod whose whole sample window lies after it turned ready counts.
            return !pod.ready() || pod.metricTimestampNanos() < pod.readyTransitionNanos() + pod.metricWindowNanos();
        }
        // Later: only a pod that is unready and has never been ready since its start is left out.
        return !pod.ready() && pod.startNanos() + initialReadinessDelayNanos > pod.readyTransitionNanos();
    }

    /** Usage over requests as a whole percentage (truncated, as the controller does), over the target. */
    private static double utilizationRatio(List<Long> usage, List<Long> requests, int targetPercent) {
        long usageTotal = 0;
        long requestTotal = 0;
        for (int i = 0; i < usage.size(); i++) {
            usageTotal += usage.get(i);
            requestTotal += requests.get(i);
        }
        if (requestTotal == 0) {
            throw new IllegalArgumentException("pods: no CPU requests (expected: every pod to request CPU)");
        }
        long utilization = usageTotal * 100 / requestTotal;
        return (double) utilization / targetPercent;
    }
}
