package io.qgate.fleet;

import io.qgate.fleet.hpa.HpaMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the HPA of the LiteLLM Deployment scales on, with its targets: CPU utilisation (a Resource
 * metric), the gateways' request rate per replica, their pool queue per replica or their open
 * requests per replica (External metrics with AverageValue targets), or several of them (the HPA
 * takes the largest recommendation).
 *
 * @param cpuPercent         CPU target in percent of the request, or 0
 * @param ratePerReplica     {@code sum(rate(qgate_requests_received_total[1m]))} per replica, or 0
 * @param queuePerReplica    {@code max(qgate_pool_queue_length)} per replica, or 0
 * @param inflightPerReplica {@code sum(qgate_inflight_requests)} per replica, or 0
 */
public record ScalingSignal(int cpuPercent, double ratePerReplica, double queuePerReplica, double inflightPerReplica) {

    static final String RATE_METRIC = "qgate_requests_received_rate";
    static final String QUEUE_METRIC = "qgate_pool_queue_length";
    static final String INFLIGHT_METRIC = "qgate_inflight_requests";

    public ScalingSignal {
        if (cpuPercent < 0 || ratePerReplica < 0 || queuePerReplica < 0 || inflightPerReplica < 0) {
            throw new IllegalArgumentException("targets: " + cpuPercent + ", " + ratePerReplica + ", "
                    + queuePerReplica + ", " + inflightPerReplica + " (expected: >= 0)");
        }
        if (cpuPercent == 0 && ratePerReplica == 0 && queuePerReplica == 0 && inflightPerReplica == 0) {
            throw new IllegalArgumentException("targets: none (expected: at least one)");
        }
    }

    static ScalingSignal cpu(int percent) {
        return new ScalingSignal(percent, 0, 0, 0);
    }

    static ScalingSignal rate(double perReplica) {
        return new ScalingSignal(0, perReplica, 0, 0);
    }

    static ScalingSignal queue(double perReplica) {
        return new ScalingSignal(0, 0, perReplica, 0);
    }

    static ScalingSignal rateAndQueue(double ratePerReplica, double queuePerReplica) {
        return new ScalingSignal(0, ratePerReplica, queuePerReplica, 0);
    }

    static ScalingSignal inflight(double perReplica) {
        return new ScalingSignal(0, 0, 0, perReplica);
    }

    List<HpaMetric> metrics() {
        List<HpaMetric> metrics = new ArrayList<>();
        if (cpuPercent > 0) {
            metrics.add(new HpaMetric.CpuUtilization(cpuPercent));
        }
        if (ratePerReplica > 0) {
            metrics.add(new HpaMetric.AverageValue(RATE_METRIC, ratePerReplica));
        }
        if (queuePerReplica > 0) {
            metrics.add(new HpaMetric.AverageValue(QUEUE_METRIC, queuePerReplica));
        }
        if (inflightPerReplica > 0) {
            metrics.add(new HpaMetric.AverageValue(INFLIGHT_METRIC, inflightPerReplica));
        }
        return metrics;
    }

    /** The kind of signal: {@code cpu}, {@code rate}, {@code queue} or {@code rate+queue}. */
    public String kind() {
        List<String> parts = new ArrayList<>();
        if (cpuPercent > 0) {
            parts.add("cpu");
        }
        if (ratePerReplica > 0) {
            parts.add("rate");
        }
        if (queuePerReplica > 0) {
            parts.add("queue");
        }
        if (inflightPerReplica > 0) {
            parts.add("inflight");
        }
        return String.join("+", parts);
    }

    /** E.g. {@code rate 50/replica + queue 10/replica}. */
    public String label() {
        List<String> parts = new ArrayList<>();
        if (cpuPercent > 0) {
            parts.add("CPU " + cpuPercent + "%");
        }
        if (ratePerReplica > 0) {
            parts.add(String.format(Locale.ROOT, "rate %s/s per replica", number(ratePerReplica)));
        }
        if (queuePerReplica > 0) {
            parts.add(String.format(Locale.ROOT, "queue %s per replica", number(queuePerReplica)));
        }
        if (inflightPerReplica > 0) {
            parts.add(String.format(Locale.ROOT, "in flight %s per replica", number(inflightPerReplica)));
        }
        return String.join(" + ", parts);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
