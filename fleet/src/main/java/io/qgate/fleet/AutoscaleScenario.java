package io.qgate.fleet;

import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;

/**
 * The autoscaling study: how much one replica serves within the objective, then every scaling
 * signal at several targets on every trace, the best target of each signal, and the targets to
 * recommend.
 *
 * <p>How the targets are chosen: a signal's target must keep TTFT p99 under the objective in at
 * least 99% of the minutes of the smooth traces (ramp and diurnal: traffic an HPA can follow),
 * and among those the cheapest in replica-minutes wins. Steps, bursts and the output-length shift
 * are the disturbances: no target chosen for smooth traffic keeps the objective through a jump
 * that arrives faster than a pod loads its model, so they are compared, not optimised. The queue
 * target beside the recommended rate target is, with the behavior deploy/ ships, the cheapest of
 * those within half a point of the best mean attainment over all traces.
 */
public final class AutoscaleScenario {

    public static final List<Double> RATE_TARGETS = List.of(40.0, 50.0, 60.0, 65.0, 70.0);
    static final int[] CPU_TARGETS = {50, 60, 70, 80};
    static final double[] QUEUE_TARGETS = {10, 50, 200};
    static final double[] INFLIGHT_TARGETS = {120, 150, 180};
    /** DCGM_FI_DEV_GPU_UTIL per replica, percent. */
    static final double[] GPU_TARGETS = {60, 80, 95};
    /** LiteLLM's working set per replica, MiB: below and above its ~700 MiB baseline (MemoryModel). */
    static final double[] MEMORY_TARGETS = {650, 750, 900};
    /** DCGM_FI_DEV_FB_USED per replica, MiB: below and above the ~73,400 MiB vLLM reserves. */
    static final double[] GPU_MEMORY_TARGETS = {60_000, 80_000};
    /** Loads, as shares of one replica's capacity, at which its GPU's busy share is measured. */
    static final double[] GPU_BUSY_LOADS = {0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9};
    private static final double GPU_BUSY_SECONDS = 600;
    public static final List<Double> COMBINED_QUEUE_TARGETS = List.of(4.0, 20.0, 50.0, 200.0, 1000.0);
    static final double[] STEADY_LOADS = {50, 55, 60, 65, 70, 75};
    static final List<String> SMOOTH_TRACES = List.of("ramp", "diurnal");

    /** Pods of the fixed fleet that measures what one replica serves within the objective. */
    private static final int STEADY_REPLICAS = 8;
    /** Every run starts with the fleet a 50 req/s-per-replica target would have for the trace's first rate. */
    public static final double INITIAL_RATE_PER_REPLICA = 50;

    /** One replica's steady TTFT at a given load per replica. */
    public record SteadyPoint(double perReplicaRps, TtftLog.Stats ttft) {}

    /**
     * @param replicaCapacity   requests/s one replica finishes when saturated
     * @param steady            TTFT at fixed loads per replica under queue routing
     * @param runs              every autoscaling run
     * @param chosen            the chosen signal of each kind
     * @param recommendedRate   the recommended request rate per replica
     * @param recommendedQueue  the recommended pool queue per replica beside it
     * @param gpuBusy           one replica's GPU busy share at loads from 2% to 90% of its capacity
     */
    public record Report(AutoscaleOptions options, Instant startedAt, double wallSeconds, double replicaCapacity,
                  List<SteadyPoint> steady, List<AutoscaleRun.Result> runs, Map<String, ScalingSignal> chosen,
                  double recommendedRate, double recommendedQueue, List<GpuBusy.Reading> gpuBusy) {

        /** The runs of one trace, in the order they ran. */
        List<AutoscaleRun.Result> runsOf(String trace) {
            return runs.stream().filter(r -> r.setup().trace().name().equals(trace)).toList();
        }

        /** The run of {@code signal} on {@code trace} with the HPA's default behavior. */
        public AutoscaleRun.Result run(String trace, ScalingSignal signal) {
            return run(trace, signal, AutoscaleSetup.DEFAULT_BEHAVIOR);
        }

        public AutoscaleRun.Result run(String trace, ScalingSignal signal, String behavior) {
            return runs.stream().filter(r -> r.setup().trace().name().equals(trace)
                    && r.setup().signal().equals(signal) && r.setup().behavior().equals(behavior))
                    .findFirst().orElseThrow();
        }

        /** The signals also run with deploy/'s behavior, in order. */
        public List<ScalingSignal> deploySignals() {
            List<ScalingSignal> signals = new ArrayList<>();
            for (AutoscaleRun.Result run : runs) {
                if (run.setup().behavior().equals(AutoscaleSetup.DEPLOY_BEHAVIOR)
                        && !signals.contains(run.setup().signal())) {
                    signals.add(run.setup().signal());
                }
            }
            return signals;
        }

        public List<String> traceNames() {
            List<String> names = new ArrayList<>();
            for (AutoscaleRun.Result run : runs) {
                if (!names.contains(run.setup().trace().name())) {
                    names.add(run.setup().trace().name());
                }
            }
            return names;
        }

        public long events() {
            return runs.stream().mapToLong(AutoscaleRun.Result::events).sum();
        }

        public double runWallSeconds() {
            return runs.stream().mapToDouble(AutoscaleRun.Result::wallSeconds).sum();
        }

        /** The highest load per replica whose steady TTFT p99 met the objective, or 0. */
        double steadyLimit() {
            return steady.stream().filter(p -> p.ttft().p99Ms() < 2000).mapToDouble(SteadyPoint::perReplicaRps)
                    .max().orElse(0);
        }
    }

    private AutoscaleScenario() {}

    public static Report run(AutoscaleOptions options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        EngineModel model = EngineModel.defaults();
        double capacity = EngineCapacity.requestsPerSecond(model, Workload.sharegpt(), options.seed(), 900);
        progress.printf(Locale.ROOT, "autoscale: one replica (simulator defaults, max-num-seqs %d) finishes %.1f "
                + "requests/s when saturated%n", model.maxNumSeqs(), capacity);

        List<GpuBusy.Reading> gpuBusy = new ArrayList<>();
        for (double share : GPU_BUSY_LOADS) {
            gpuBusy.add(GpuBusy.at(model, Workload.sharegpt(), share * capacity, GPU_BUSY_SECONDS, options.seed()));
        }
        for (GpuBusy.Reading reading : gpuBusy) {
            progress.printf(Locale.ROOT, "  GPU at %.1f req/s (%.0f%% of capacity): busy %.1f%%, batch %.1f%% full%n",
                    reading.requestsPerSecond(), 100 * reading.requestsPerSecond() / capacity,
                    100 * reading.busyShare(), 100 * reading.runningShare());
        }

        List<SteadyPoint> steady = new ArrayList<>();
        if (!options.quick()) {
            progress.printf(Locale.ROOT, "phase 1/4: steady load on %d replicas with queue routing%n", STEADY_REPLICAS);
            for (double perReplica : STEADY_LOADS) {
                RoutingCase fixed = new RoutingCase(STEADY_REPLICAS, 3, "queue", Duration.ofMillis(100));
                RoutingRun.Result result = RoutingRun.run(fixed, model, Workload.sharegpt(), perReplica, 1.0, 120, 480,
                        options.seed());
                steady.add(new SteadyPoint(perReplica, result.ttft()));
                progress.printf(Locale.ROOT, "  %.0f req/s per replica: TTFT p99 %s%n", perReplica,
                        Format.millis(result.ttft().p99Ms()));
            }
        }

        List<Trace> traces = new ArrayList<>();
        for (String name : options.traces()) {
            traces.add(options.quick() && name.equals("step") ? Trace.step(options.baseRate(), 120, 480)
                    : Trace.named(name, options.baseRate()));
        }
        List<AutoscaleRun.Result> runs = new ArrayList<>();
        Map<String, ScalingSignal> chosen = new LinkedHashMap<>();
        double rate;
        double queue;
        if (options.quick()) {
            rate = 60;
            queue = 200;
            List<ScalingSignal> signals = List.of(ScalingSignal.cpu(60), ScalingSignal.rate(rate),
                    ScalingSignal.queue(50), ScalingSignal.inflight(150), ScalingSignal.gpu(80),
                    ScalingSignal.memory(750), ScalingSignal.gpuMemory(80_000), ScalingSignal.rateAndQueue(rate, queue));
            progress.println("quick: one target per signal");
            runAll(traces, signals, options, AutoscaleSetup.DEFAULT_BEHAVIOR, runs, progress);
            for (ScalingSignal signal : signals) {
                chosen.put(signal.kind(), signal);
            }
        } else {
            progress.println("phase 2/4: each signal at several targets on every trace");
            List<ScalingSignal> singles = new ArrayList<>();
            for (double target : RATE_TARGETS) {
                singles.add(ScalingSignal.rate(target));
            }
            for (int target : CPU_TARGETS) {
                singles.add(ScalingSignal.cpu(target));
            }
            addEach(singles, QUEUE_TARGETS, ScalingSignal::queue);
            addEach(singles, INFLIGHT_TARGETS, ScalingSignal::inflight);
            addEach(singles, GPU_TARGETS, ScalingSignal::gpu);
            addEach(singles, MEMORY_TARGETS, ScalingSignal::memory);
            addEach(singles, GPU_MEMORY_TARGETS, ScalingSignal::gpuMemory);
            runAll(traces, singles, options, AutoscaleSetup.DEFAULT_BEHAVIOR, runs, progress);
            for (String kind : List.of("cpu", "rate", "queue", "inflight", "gpu", "memory", "gpu-memory")) {
                chosen.put(kind, choose(runs, traces, s -> s.kind().equals(kind)));
            }
            rate = chosen.get("rate").ratePerReplica();
            progress.printf(Locale.ROOT, "phase 3/4: the queue beside the chosen rate target (%s/s per replica)%n",
                    Format.number(rate));
            List<ScalingSignal> combined = new ArrayList<>();
            for (double target : COMBINED_QUEUE_TARGETS) {
                combined.add(ScalingSignal.rateAndQueue(rate, target));
            }
            runAll(traces, combined, options, AutoscaleSetup.DEFAULT_BEHAVIOR, runs, progress);
            chosen.put("rate+queue", chooseCombined(runs, combined, AutoscaleSetup.DEFAULT_BEHAVIOR));

            progress.println("phase 4/4: the rate alone and with each queue target, with the behavior of "
                    + "deploy/base/litellm-hpa.yaml");
            List<ScalingSignal> deployed = new ArrayList<>();
            deployed.add(ScalingSignal.rate(rate));
            deployed.addAll(combined);
            runAll(traces, deployed, options, AutoscaleSetup.DEPLOY_BEHAVIOR, runs, progress);
            queue = chooseCombined(runs, combined, AutoscaleSetup.DEPLOY_BEHAVIOR).queuePerReplica();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Report(options, startedAt, wall, capacity, steady, runs, chosen, rate, queue, gpuBusy);
    }

    private static void addEach(List<ScalingSignal> signals, double[] targets, DoubleFunction<ScalingSignal> signal) {
        for (double target : targets) {
            signals.add(signal.apply(target));
        }
    }

    private static void runAll(List<Trace> traces, List<ScalingSignal> signals, AutoscaleOptions options,
                               String behavior, List<AutoscaleRun.Result> runs, PrintStream progress) {
        for (Trace trace : traces) {
            int initial = (int) Math.ceil(trace.rate(0) / INITIAL_RATE_PER_REPLICA);
            for (ScalingSignal signal : signals) {
                AutoscaleSetup setup = AutoscaleSetup.defaults(trace, signal, Math.max(2, initial), options.seed());
                if (behavior.equals(AutoscaleSetup.DEPLOY_BEHAVIOR)) {
                    setup = setup.withBehavior(behavior, AutoscaleSetup.deployScaleUp(),
                            AutoscaleSetup.deployScaleDown());
                }
                AutoscaleRun.Result result = AutoscaleRun.run(setup);
                runs.add(result);
                String label = signal.label() + (behavior.equals(AutoscaleSetup.DEFAULT_BEHAVIOR) ? ""
                        : " [" + behavior + "]");
                progress.printf(Locale.ROOT, "  %-8s %-50s SLO %5.1f%%  %7.1f replica-min  recovery %-12s  %.1fs, "
                                + "%.1fM events%n", trace.name(), label, 100 * result.sloAttainment(),
                        result.replicaMinutes(), Format.recovery(result), result.wallSeconds(),
                        result.events() / 1e6);
            }
        }
    }

    /** The cheapest target meeting the objective in 99% of the smooth traces' minutes; else the best attainment. */
    static ScalingSignal choose(List<AutoscaleRun.Result> runs, List<Trace> traces, Predicate<ScalingSignal> kind) {
        List<String> smooth = traces.stream().map(Trace::name).filter(SMOOTH_TRACES::contains).toList();
        List<String> judged = smooth.isEmpty() ? traces.stream().map(Trace::name).toList() : smooth;
        Map<ScalingSignal, List<AutoscaleRun.Result>> bySignal = new LinkedHashMap<>();
        for (AutoscaleRun.Result run : runs) {
            if (kind.test(run.setup().signal()) && judged.contains(run.setup().trace().name())
                    && run.setup().behavior().equals(AutoscaleSetup.DEFAULT_BEHAVIOR)) {
                bySignal.computeIfAbsent(run.setup().signal(), s -> new ArrayList<>()).add(run);
            }
        }
        Comparator<Map.Entry<ScalingSignal, List<AutoscaleRun.Result>>> cheapest =
                Comparator.comparingDouble(e -> cost(e.getValue()));
        return bySignal.entrySet().stream()
                .filter(e -> e.getValue().stream().allMatch(r -> r.sloAttainment() >= 0.99))
                .min(cheapest)
                .or(() -> bySignal.entrySet().stream().max(Comparator
                        .<Map.Entry<ScalingSignal, List<AutoscaleRun.Result>>>comparingDouble(e -> meanSlo(e.getValue()))
                        .thenComparing(cheapest.reversed())))
                .orElseThrow()
                .getKey();
    }

    /**
     * The best mean attainment over every trace with the given behavior; among the targets within
     * half a point of it (the same good minutes: one minute of a 30-minute trace is 0.67 points of
     * the mean over five traces), the cheapest.
     */
    static ScalingSignal chooseCombined(List<AutoscaleRun.Result> runs, List<ScalingSignal> candidates,
                                        String behavior) {
        Map<ScalingSignal, List<AutoscaleRun.Result>> bySignal = new LinkedHashMap<>();
        for (ScalingSignal candidate : candidates) {
            bySignal.put(candidate, runs.stream().filter(r -> r.setup().signal().equals(candidate)
                    && r.setup().behavior().equals(behavior)).toList());
        }
        double best = bySignal.values().stream().mapToDouble(AutoscaleScenario::meanSlo).max().orElseThrow();
        return bySignal.entrySet().stream().filter(e -> meanSlo(e.getValue()) >= best - 0.005)
                .min(Comparator.comparingDouble(e -> cost(e.getValue()))).orElseThrow().getKey();
    }

    private static double cost(List<AutoscaleRun.Result> runs) {
        return runs.stream().mapToDouble(AutoscaleRun.Result::replicaMinutes).sum();
    }

    private static double meanSlo(List<AutoscaleRun.Result> runs) {
        return runs.stream().mapToDouble(AutoscaleRun.Result::sloAttainment).average().orElse(0);
    }
}
