package io.qgate.bench.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.fleet.hpa.HpaSpec;
import io.qgate.bench.fleet.hpa.ScalingRules;
import io.qgate.bench.load.Workload;
import java.time.Duration;

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
 * @param gateways        qgate gateways in front (queue routing)
 * @param scrapeInterval  the gateways' engine scrape interval
 * @param model           every replica's engine
 * @param workload        request sizes
 * @param fleet           pod start-up and discovery delay
 * @param monitoring      Prometheus and metrics-server
 * @param cpu             LiteLLM's CPU model
 * @param sloMillis       the TTFT p99 a minute must stay under
 * @param seed            the run's seed
 */
record AutoscaleSetup(Trace trace, ScalingSignal signal, int minReplicas, int maxReplicas, int initialReplicas,
                      ScalingRules scaleUp, ScalingRules scaleDown, int gateways, Duration scrapeInterval,
                      EngineModel model, Workload workload, Fleet.Settings fleet, Monitoring.Settings monitoring,
                      CpuModel cpu, double sloMillis, long seed) {

    AutoscaleSetup {
        requireNonNull(trace, "trace");
        requireNonNull(signal, "signal");
        requireNonNull(scaleUp, "scaleUp");
        requireNonNull(scaleDown, "scaleDown");
        requireNonNull(scrapeInterval, "scrapeInterval");
        requireNonNull(model, "model");
        requireNonNull(workload, "workload");
        requireNonNull(fleet, "fleet");
        requireNonNull(monitoring, "monitoring");
        requireNonNull(cpu, "cpu");
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
                ScalingRules.defaultScaleDown(), 3, Duration.ofMillis(100), EngineModel.defaults(), Workload.sharegpt(),
                new Fleet.Settings(60_000_000_000L, 120_000_000_000L, 1_000_000_000L), Monitoring.Settings.defaults(),
                CpuModel.defaults(), 2000, seed);
    }

    AutoscaleSetup withSignal(ScalingSignal newSignal) {
        return new AutoscaleSetup(trace, newSignal, minReplicas, maxReplicas, initialReplicas, scaleUp, scaleDown,
                gateways, scrapeInterval, model, workload, fleet, monitoring, cpu, sloMillis, seed);
    }

    AutoscaleSetup withTrace(Trace newTrace, int newInitialReplicas) {
        return new AutoscaleSetup(newTrace, signal, minReplicas, maxReplicas, newInitialReplicas, scaleUp, scaleDown,
                gateways, scrapeInterval, model, workload, fleet, monitoring, cpu, sloMillis, seed);
    }

    HpaSpec hpa() {
        return HpaSpec.of(minReplicas, maxReplicas, signal.metrics()).withBehavior(scaleUp, scaleDown);
    }
}
