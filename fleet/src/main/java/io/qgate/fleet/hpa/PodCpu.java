package io.qgate.fleet.hpa;

/**
 * What the HPA knows of one pod when it scales on CPU: its phase and readiness (from the pod
 * lister) and its latest CPU sample (from the metrics API), in nanoseconds of one clock.
 *
 * @param deleted             the pod has a deletion timestamp (it is terminating)
 * @param pending             the pod is not running yet
 * @param ready               the pod's Ready condition is true
 * @param startNanos          when the pod started
 * @param readyTransitionNanos the last transition of its Ready condition
 * @param hasMetric           whether the metrics API has a sample for it
 * @param usageMilli          the sample: CPU in millicores, averaged over the window
 * @param metricTimestampNanos the end of the sample's window
 * @param metricWindowNanos   the sample's window
 * @param requestMilli        the pod's CPU request in millicores
 */
public record PodCpu(boolean deleted, boolean pending, boolean ready, long startNanos, long readyTransitionNanos,
                     boolean hasMetric, long usageMilli, long metricTimestampNanos, long metricWindowNanos,
                     long requestMilli) {
}
