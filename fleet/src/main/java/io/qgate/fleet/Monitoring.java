package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.hpa.MetricReadings;
import io.qgate.fleet.hpa.PodCpu;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

/**
 * The metrics pipeline between the fleet and the HPA, with its delays:
 *
 * <ul>
 *   <li>Prometheus scrapes the gateways every {@code scrapeInterval}; the rate metric is
 *       {@code sum(rate(qgate_requests_received_total[window]))} over those samples (the increase
 *       between the first and last sample inside the window, over their distance), the queue
 *       metric {@code max(qgate_pool_queue_length)} and the in-flight metric
 *       {@code sum(qgate_inflight_requests)} at the latest sample — the External metrics
 *       prometheus-adapter would serve.</li>
 *   <li>metrics-server samples every pod's CPU every {@code resolution}, averaged since its
 *       previous sample; a pod has no sample until its second one (it needs two points). LiteLLM's
 *       memory comes with the same sample, as it is at that moment.</li>
 *   <li>The same Prometheus scrapes NVIDIA's DCGM exporter on every node: each pod's GPU
 *       utilization over the scrape interval (the share of it with a sequence running) and its
 *       framebuffer in use. As Pods metrics with AverageValue targets the HPA asks for
 *       {@code ceil(sum over the pods with a sample / target)}, which is what these metrics give.</li>
 * </ul>
 */
final class Monitoring implements MetricReadings {

    /**
     * @param scrapeNanos     Prometheus' scrape interval of the gateways
     * @param rateWindowNanos the range of {@code rate()}
     * @param resolutionNanos metrics-server's resolution
     */
    public record Settings(long scrapeNanos, long rateWindowNanos, long resolutionNanos) {
        static Settings defaults() {
            return new Settings(15_000_000_000L, 60_000_000_000L, 15_000_000_000L);
        }
    }

    private record Sample(long atNanos, long received, double poolQueue, long inflight) {}

    /** One pod's GPU as the DCGM exporter reports it: busy time at the previous scrape, and the latest reading. */
    private static final class GpuState {
        long previousAtNanos;
        long previousBusyNanos;
        boolean hasSample;
        double percent;
    }

    /** One pod's CPU bookkeeping: the counters at its previous sample, and its latest sample. */
    private static final class CpuState {
        long previousAtNanos;
        long previousAccepted;
        long previousTokens;
        boolean hasSample;
        long usageMilli;
        long sampleAtNanos;
        long windowNanos;
    }

    private final Simulation sim;
    private final Fleet fleet;
    private final GatewayTier gateways;
    private final CpuModel cpuModel;
    private final MemoryModel memoryModel;
    private final Settings settings;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Map<Integer, CpuState> cpu = new HashMap<>();
    private final Map<Integer, GpuState> gpu = new HashMap<>();
    /** LiteLLM's working set of each pod at metrics-server's latest sample, MiB. */
    private final Map<Integer, Double> memory = new HashMap<>();

    Monitoring(Simulation sim, Fleet fleet, GatewayTier gateways, CpuModel cpuModel, MemoryModel memoryModel,
               Settings settings) {
        this.sim = requireNonNull(sim, "sim");
        this.fleet = requireNonNull(fleet, "fleet");
        this.gateways = requireNonNull(gateways, "gateways");
        this.cpuModel = requireNonNull(cpuModel, "cpuModel");
        this.memoryModel = requireNonNull(memoryModel, "memoryModel");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Starts both scrape loops, each at its own phase. */
    void start(long scrapeOffsetNanos, long cpuOffsetNanos) {
        sim.every(sim.now() + scrapeOffsetNanos, settings.scrapeNanos(), this::scrape);
        sim.every(sim.now() + cpuOffsetNanos, settings.resolutionNanos(), this::sampleCpu);
    }

    @Override
    public OptionalDouble value(String name) {
        return switch (name) {
            case ScalingSignal.RATE_METRIC -> rate();
            case ScalingSignal.QUEUE_METRIC -> samples.isEmpty() ? OptionalDouble.empty()
                    : OptionalDouble.of(samples.peekLast().poolQueue());
            case ScalingSignal.INFLIGHT_METRIC -> samples.isEmpty() ? OptionalDouble.empty()
                    : OptionalDouble.of(samples.peekLast().inflight());
            case ScalingSignal.GPU_METRIC -> total(gpu.values().stream().filter(g -> g.hasSample)
                    .mapToDouble(g -> g.percent));
            case ScalingSignal.GPU_MEMORY_METRIC -> total(gpu.values().stream().filter(g -> g.hasSample)
                    .mapToDouble(g -> memoryModel.gpuUsedMiB()));
            case ScalingSignal.MEMORY_METRIC -> total(memory.values().stream().mapToDouble(Double::doubleValue));
            default -> OptionalDouble.empty();
        };
    }

    @Override
    public List<PodCpu> cpu() {
        List<PodCpu> pods = new ArrayList<>();
        for (Replica pod : fleet.pods()) {
            CpuState state = cpu.get(pod.id);
            boolean ready = pod.state == Replica.State.READY;
            boolean sampled = state != null && state.hasSample;
            pods.add(new PodCpu(pod.state == Replica.State.TERMINATING, false, ready, pod.createdNanos,
                    ready ? pod.readyNanos : pod.createdNanos, sampled, sampled ? state.usageMilli : 0,
                    sampled ? state.sampleAtNanos : 0, sampled ? state.windowNanos : 0, cpuModel.requestMilli()));
        }
        return pods;
    }

    /** The total over the pods with a sample, or empty when none has one (the metrics API has nothing). */
    private static OptionalDouble total(DoubleStream perPod) {
        DoubleSummaryStatistics pods = perPod.summaryStatistics();
        return pods.getCount() == 0 ? OptionalDouble.empty() : OptionalDouble.of(pods.getSum());
    }

    /** The ready pods' mean GPU utilization at their latest scrape, percent (0 when none). */
    double readyGpuPercent() {
        return fleet.pods().stream().filter(p -> p.state == Replica.State.READY).map(p -> gpu.get(p.id))
                .filter(g -> g != null && g.hasSample).mapToDouble(g -> g.percent).average().orElse(0);
    }

    /** The pods' mean LiteLLM working set at metrics-server's latest sample, MiB (0 before it). */
    double meanMemoryMiB() {
        return memory.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** The rate metric now, or empty before Prometheus has two samples in the window. */
    OptionalDouble rate() {
        long from = sim.now() - settings.rateWindowNanos();
        Sample first = null;
        Sample last = null;
        for (Sample sample : samples) {
            if (sample.atNanos() > from) {
                if (first == null) {
                    first = sample;
                }
                last = sample;
            }
        }
        if (first == null || last == first) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((last.received() - first.received()) / ((last.atNanos() - first.atNanos()) / 1e9));
    }

    /** The in-flight metric at the latest scrape (0 before the first). */
    long inflight() {
        return samples.isEmpty() ? 0 : samples.peekLast().inflight();
    }

    /** The queue metric at the latest scrape (0 before the first). */
    double poolQueue() {
        return samples.isEmpty() ? 0 : samples.peekLast().poolQueue();
    }

    /** The average CPU utilisation of the ready pods' latest samples, in percent (0 when none). */
    double readyCpuPercent() {
        long usage = 0;
        long requested = 0;
        for (Replica pod : fleet.pods()) {
            CpuState state = cpu.get(pod.id);
            if (pod.state == Replica.State.READY && state != null && state.hasSample) {
                usage += state.usageMilli;
                requested += cpuModel.requestMilli();
            }
        }
        return requested == 0 ? 0 : 100.0 * usage / requested;
    }

    private void scrape() {
        long now = sim.now();
        samples.add(new Sample(now, gateways.received(), gateways.poolQueue(), gateways.inflight()));
        Map<Integer, GpuState> alive = new HashMap<>();
        for (Replica pod : fleet.pods()) {
            GpuState state = gpu.get(pod.id);
            long busy = pod.engine.busyNanos();
            if (state == null) {
                state = new GpuState();
            } else {
                state.percent = 100.0 * (busy - state.previousBusyNanos) / (now - state.previousAtNanos);
                state.hasSample = true;
            }
            state.previousAtNanos = now;
            state.previousBusyNanos = busy;
            alive.put(pod.id, state);
        }
        gpu.clear();
        gpu.putAll(alive);
        while (samples.size() > 2 && samples.peekFirst().atNanos() < now - 2 * settings.rateWindowNanos()) {
            samples.pollFirst();
        }
    }

    private void sampleCpu() {
        long now = sim.now();
        Map<Integer, CpuState> alive = new HashMap<>();
        for (Replica pod : fleet.pods()) {
            CpuState state = cpu.get(pod.id);
            long tokens = pod.engine.tokensEmitted();
            if (state == null) {
                state = new CpuState();
            } else {
                double seconds = (now - state.previousAtNanos) / 1e9;
                state.usageMilli = cpuModel.usageMilli((pod.accepted - state.previousAccepted) / seconds,
                        (tokens - state.previousTokens) / seconds);
                state.sampleAtNanos = now;
                state.windowNanos = now - state.previousAtNanos;
                state.hasSample = true;
            }
            state.previousAtNanos = now;
            state.previousAccepted = pod.accepted;
            state.previousTokens = tokens;
            alive.put(pod.id, state);
        }
        cpu.clear();
        cpu.putAll(alive);
        memory.clear();
        for (Replica pod : fleet.pods()) {
            memory.put(pod.id, memoryModel.litellmMiB(pod.trueLoad()));
        }
    }
}
