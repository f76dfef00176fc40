package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.hpa.HpaSpec;
import io.qgate.fleet.hpa.ScalingPolicy;
import io.qgate.fleet.hpa.ScalingRules;
import io.qgate.fleet.hpa.SelectPolicy;
import io.qgate.fleet.workload.Workload;
import java.time.Duration;
import java.util.List;

/**
 * Everything one autoscaling run depends on.
 *
 * @param trace           the offered load
 * @param signal          what the HPA scales on, with its targets
 * @param minReplicas     the HPA's floor
 * @param maxReplicas     the HPA's ceiling
 * @param initialReplicas ready pods at the start
 * @param scaleUp         {@code behavior.scaleUp}
 * @param scaleDown       {@code behavior.scaleDown}
 * @param behavior        a name for the two
 * @param gateways        qgate gateways in front (queue routing)
 * @param scrapeInterval  the gateways' engine scrape interval
 * @param model           every replica's engine
 * @param workload        request sizes
 * @param fleet           pod start-up and discovery delay
 * @param monitoring      Prometheus and metrics-server
 * @param cpu             LiteLLM's CPU model
 * @param memory          LiteLLM's and the GPU's memory model
 * @param sloMillis       the TTFT p99 a minute must stay under
 * @param seed            the run's seed
 */
public record AutoscaleSetup(Trace trace, ScalingSignal signal, int minReplicas, int maxReplicas, int initialReplicas,
                      ScalingRules scaleUp, ScalingRules scaleDown, String behavior, int gateways,
                      Duration scrapeInterval,
                      EngineModel model, Workload workload, Fleet.Settings fleet, Monitoring.Settings monitoring,
                      CpuModel cpu, MemoryModel memory, double sloMillis, long seed) {

    /** The name of the HPA's default behavior. */
    public static final String DEFAULT_BEHAVIOR = "HPA default";

    /**
     * The behavior of {@code deploy/base/litellm-hpa.yaml}: scale up after a 60 s window by at most
     * 2 pods or 100% per 2 minutes; scale down after a 10 minute window by one pod per 5 minutes.
     */
    public static final String DEPLOY_BEHAVIOR = "deploy/";

    static ScalingRules deployScaleUp() {
        return new ScalingRules(60, SelectPolicy.MAX, List.of(ScalingPolicy.pods(2, 120),
                ScalingPolicy.percent(100, 120)), ScalingRules.DEFAULT_TOLERANCE);
    }

    static ScalingRules deployScaleDown() {
        return new ScalingRules(600, SelectPolicy.MIN, List.of(ScalingPolicy.pods(1, 300)),
                ScalingRules.DEFAULT_TOLERANCE);
    }

    public AutoscaleSetup {
        requireNonNull(trace, "trace");
        requireNonNull(signal, "signal");
        requireNonNull(scaleUp, "scaleUp");
        requireNonNull(scaleDown, "scaleDown");
        requireNonNull(behavior, "behavior");
        requireNonNull(scrapeInterval, "scrapeInterval");
        requireNonNull(model, "model");
        requireNonNull(workload, "workload");
        requireNonNull(fleet, "fleet");
        requireNonNull(monitoring, "monitoring");
        requireNonNull(cpu, "cpu");
        requireNonNull(memory, "memory");
        if (initialReplicas < minReplicas || initialReplicas > maxReplicas) {
            throw new IllegalArgumentException("initialReplicas: " + initialReplicas + " (expected: " + minReplicas
                    + "-" + maxReplicas + ")");
        }
    }

    /**
     * The defaults of the reports: the HPA's default behavior, 2 to 100 replicas, three gateways
     * scraping every 100 ms, the simulator's default engine, ShareGPT-like requests, 60–120 s of
     * model loading, 1 s of discovery delay, a 2 s TTFT p99 objective.
     */
    static AutoscaleSetup defaults(Trace trace, ScalingSignal signal, int initialReplicas, long seed) {
        return new AutoscaleSetup(trace, signal, 2, 100, initialReplicas, ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown(), DEFAULT_BEHAVIOR, 3, Duration.ofMillis(100), EngineModel.defaults(), Workload.sharegpt(),
                new Fleet.Settings(60_000_000_000L, 120_000_000_000L, 1_000_000_000L), Monitoring.Settings.defaults(),
                CpuModel.defaults(), MemoryModel.defaults(), 2000, seed);
    }

    AutoscaleSetup withBehavior(String name, ScalingRules newScaleUp, ScalingRules newScaleDown) {
        return new AutoscaleSetup(trace, signal, minReplicas, maxReplicas, initialReplicas, newScaleUp, newScaleDown,
                name, gateways, scrapeInterval, model, workload, fleet, monitoring, cpu, memory, sloMillis, seed);
    }

    HpaSpec hpa() {
        return HpaSpec.of(minReplicas, maxReplicas, signal.metrics()).withBehavior(scaleUp, scaleDown);
    }
}
