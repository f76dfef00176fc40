package io.qgate.fleet;

import io.qgate.fleet.hpa.HpaMetric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the HPA of the LiteLLM Deployment scales on, with its targets: CPU utilisation (a Resource
 * metric), the gateways' request rate per replica, their pool queue per replica or their open
 * requests per replica (External metrics with AverageValue targets), the GPUs' utilization or
 * memory from NVIDIA's DCGM exporter, or LiteLLM's memory (Pods metrics with AverageValue
 * targets), or several of them (the HPA takes the largest recommendation).
 *
 * @param cpuPercent          CPU target in percent of the request, or 0
 * @param ratePerReplica      {@code sum(rate(qgate_requests_received_total[1m]))} per replica, or 0
 * @param queuePerReplica     {@code max(qgate_pool_queue_length)} per replica, or 0
 * @param inflightPerReplica  {@code sum(qgate_inflight_requests)} per replica, or 0
 * @param gpuPercentPerReplica {@code DCGM_FI_DEV_GPU_UTIL} per replica, or 0
 * @param memoryMiBPerReplica LiteLLM's {@code container_memory_working_set_bytes} per replica, in MiB, or 0
 * @param gpuMemoryMiBPerReplica {@code DCGM_FI_DEV_FB_USED} per replica, in MiB, or 0
 */
public record ScalingSignal(int cpuPercent, double ratePerReplica, double queuePerReplica, double inflightPerReplica,
                            double gpuPercentPerReplica, double memoryMiBPerReplica, double gpuMemoryMiBPerReplica) {

    static final String RATE_METRIC = "qgate_requests_received_rate";
    static final String QUEUE_METRIC = "qgate_pool_queue_length";
    static final String INFLIGHT_METRIC = "qgate_inflight_requests";
    static final String GPU_METRIC = "DCGM_FI_DEV_GPU_UTIL";
    static final String MEMORY_METRIC = "container_memory_working_set_bytes";
    static final String GPU_MEMORY_METRIC = "DCGM_FI_DEV_FB_USED";

    public ScalingSignal {
        double[] targets = {cpuPercent, ratePerReplica, queuePerReplica, inflightPerReplica, gpuPercentPerReplica,
            memoryMiBPerReplica, gpuMemoryMiBPerReplica};
        boolean any = false;
        for (double target : targets) {
            if (!(target >= 0) || Double.isInfinite(target)) {
                throw new IllegalArgumentException("targets: " + Arrays.toString(targets) + " (expected: >= 0)");
            }
            any |= target > 0;
        }
        if (!any) {
            throw new IllegalArgumentException("targets: none (expected: at least one)");
        }
    }

    static ScalingSignal cpu(int percent) {
        return new ScalingSignal(percent, 0, 0, 0, 0, 0, 0);
    }

    static ScalingSignal rate(double perReplica) {
        return new ScalingSignal(0, perReplica, 0, 0, 0, 0, 0);
    }

    static ScalingSignal queue(double perReplica) {
        return new ScalingSignal(0, 0, perReplica, 0, 0, 0, 0);
    }

    static ScalingSignal rateAndQueue(double ratePerReplica, double queuePerReplica) {
        return new ScalingSignal(0, ratePerReplica, queuePerReplica, 0, 0, 0, 0);
    }

    static ScalingSignal inflight(double perReplica) {
        return new ScalingSignal(0, 0, 0, perReplica, 0, 0, 0);
    }

    static ScalingSignal gpu(double percentPerReplica) {
        return new ScalingSignal(0, 0, 0, 0, percentPerReplica, 0, 0);
    }

    static ScalingSignal memory(double miBPerReplica) {
        return new ScalingSignal(0, 0, 0, 0, 0, miBPerReplica, 0);
    }

    static ScalingSignal gpuMemory(double miBPerReplica) {
        return new ScalingSignal(0, 0, 0, 0, 0, 0, miBPerReplica);
    }

    List<HpaMetric> metrics() {
        List<HpaMetric> metrics = new ArrayList<>();
        if (cpuPercent > 0) {
            metrics.add(new HpaMetric.CpuUtilization(cpuPercent));
        }
        averageValue(metrics, RATE_METRIC, ratePerReplica);
        averageValue(metrics, QUEUE_METRIC, queuePerReplica);
        averageValue(metrics, INFLIGHT_METRIC, inflightPerReplica);
        averageValue(metrics, GPU_METRIC, gpuPercentPerReplica);
        averageValue(metrics, MEMORY_METRIC, memoryMiBPerReplica);
        averageValue(metrics, GPU_MEMORY_METRIC, gpuMemoryMiBPerReplica);
        return metrics;
    }

    private static void averageValue(List<HpaMetric> metrics, String name, double target) {
        if (target > 0) {
            metrics.add(new HpaMetric.AverageValue(name, target));
        }
    }

    /** The kind of signal: {@code cpu}, {@code rate}, {@code queue}, {@code rate+queue}, {@code gpu}... */
    public String kind() {
        List<String> parts = new ArrayList<>();
        add(parts, cpuPercent, "cpu");
        add(parts, ratePerReplica, "rate");
        add(parts, queuePerReplica, "queue");
        add(parts, inflightPerReplica, "inflight");
        add(parts, gpuPercentPerReplica, "gpu");
        add(parts, memoryMiBPerReplica, "memory");
        add(parts, gpuMemoryMiBPerReplica, "gpu-memory");
        return String.join("+", parts);
    }

    /** E.g. {@code rate 50/s per replica + queue 10 per replica}. */
    public String label() {
        List<String> parts = new ArrayList<>();
        add(parts, cpuPercent, "CPU " + cpuPercent + "%");
        add(parts, ratePerReplica, "rate " + number(ratePerReplica) + "/s per replica");
        add(parts, queuePerReplica, "queue " + number(queuePerReplica) + " per replica");
        add(parts, inflightPerReplica, "in flight " + number(inflightPerReplica) + " per replica");
        add(parts, gpuPercentPerReplica, "GPU " + number(gpuPercentPerReplica) + "% per replica");
        add(parts, memoryMiBPerReplica, "LiteLLM memory " + number(memoryMiBPerReplica) + " MiB per replica");
        add(parts, gpuMemoryMiBPerReplica, "GPU memory " + number(gpuMemoryMiBPerReplica) + " MiB per replica");
        return String.join(" + ", parts);
    }

    private static void add(List<String> parts, double target, String part) {
        if (target > 0) {
            parts.add(part);
        }
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
