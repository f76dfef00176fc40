package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.RoutingSettings;
import java.time.Duration;
import java.util.List;

/**
 * LoRA-aware routing against queue routing alone, in virtual time: a static fleet whose replicas
 * serve the same adapters, one or more gateways, Poisson load at a share of the fleet's capacity for the
 * base model; adapter loads and time to first token over the measured interval.
 */
public final class LoraRun {

    private static final Duration SCRAPE_INTERVAL = Duration.ofMillis(100);
    private static final double DRAIN_SECONDS = 60;
    private static final long CHECK_NANOS = 1_000_000_000L;
    /**
     * A queue this long at 80% load does not drain: requests held back for an adapter slot that
     * never frees. The run stops there (an engine scans its whole queue every step, as vLLM does,
     * so a run that went on would take hours), and says when.
     */
    static final int COLLAPSED_WAITING_PER_REPLICA = 500;

    /**
     * @param label        which routing
     * @param offeredRps   the Poisson rate
     * @param adapterLoads adapters loaded during the measured interval, over all replicas
     * @param ttft         over requests arriving in the measured interval; a request never answered
     *                     counts as infinitely late
     * @param collapsedAt  when the engines' queues grew past {@link #COLLAPSED_WAITING_PER_REPLICA} a
     *                     replica and the run stopped, in seconds; NaN when they never did
     */
    public record Result(String label, double offeredRps, long adapterLoads, TtftLog.Stats ttft, long failed,
                         double collapsedAt) {}

    private LoraRun() {
    }

    /** Queue routing alone (LoRA weight 0), then with the LoRA scorer at its default weight; same seed, same arrivals. */
    public static List<Result> compare(EngineModel model, Workload workload, LoraWorkload lora, int replicas, int gateways,
                                       double load, int affinityMargin, double warmupSeconds, double measureSeconds,
                                       long seed) {
        double capacity = EngineCapacity.requestsPerSecond(model, workload, seed, 120);
        RoutingSettings defaults = RoutingSettings.defaults();
        RoutingSettings base = new RoutingSettings(defaults.staleAfter(), true, false, affinityMargin,
                defaults.prefixCacheSize(), defaults.ejectionFailures(), defaults.ejectionBaseTime(),
                defaults.ejectionMaxTime());
        RoutingSettings.Weights weights = base.weights();
        RoutingSettings queueAlone = base.withWeights(new RoutingSettings.Weights(weights.queue(), weights.kvCache(),
                weights.prefix(), 0));
        return List.of(
                run("queue", queueAlone, model, workload, lora, replicas, gateways, capacity, load, warmupSeconds,
                        measureSeconds, seed),
                run("queue + lora", base, model, workload, lora, replicas, gateways, capacity, load, warmupSeconds,
                        measureSeconds, seed));
    }

    static Result run(String label, RoutingSettings settings, EngineModel model, Workload workload, LoraWorkload lora,
                      int replicas, int gateways, double replicaCapacity, double load, double warmupSeconds, double measureSeconds,
                      long seed) {
        requireNonNull(settings, "settings");
        Simulation sim = new Simulation();
        long from = (long) (warmupSeconds * 1e9);
        long until = (long) ((warmupSeconds + measureSeconds) * 1e9);
        TtftLog log = new TtftLog(from, until);
        FleetSim fleetSim = new FleetSim(sim, model, new Fleet.Settings(0, 0, 0), log, seed);
        fleetSim.fleet().startReady(replicas);
        fleetSim.routeByGateways(gateways, "queue", settings, SCRAPE_INTERVAL);
        fleetSim.serveAdapters(lora);
        double rate = replicaCapacity * replicas * load;
        fleetSim.offer(Trace.constant(rate, warmupSeconds + measureSeconds), workload);
        long[] loads = new long[2];
        sim.at(from, () -> loads[0] = fleetSim.adapterLoads());
        sim.at(until, () -> loads[1] = fleetSim.adapterLoads());
        long end = until + (long) (DRAIN_SECONDS * 1e9);
        double collapsedAt = Double.NaN;
        for (long t = Math.min(end, CHECK_NANOS); ; t = Math.min(end, t + CHECK_NANOS)) {
            sim.runUntil(t);
            if (fleetSim.waiting() > COLLAPSED_WAITING_PER_REPLICA * replicas) {
                collapsedAt = t / 1e9;
                loads[1] = fleetSim.adapterLoads();
                break;
            }
            if (t == end) {
                break;
            }
        }
        return new Result(label, rate, loads[1] - loads[0], log.measured(), fleetSim.failed(), collapsedAt);
    }
}
