package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * One configuration of the fleet-scale routing comparison: a static fleet of ready replicas, its
 * gateways (or the oracle), and Poisson load at a fixed share of the fleet's capacity; time to
 * first token over the measured interval after a warm-up.
 */
public final class RoutingRun {

    /**
     * Seconds without arrivals at the end, at most, so that requests of the measured interval get
     * their first token: the run ends at the first whole second of it by which every one has (or
     * was refused), since nothing after that changes a figure.
     */
    private static final double DRAIN_SECONDS = 60;
    private static final long DRAIN_STEP_NANOS = 1_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * @param offeredRps      the Poisson rate
     * @param ttft            over requests arriving in the measured interval
     * @param events          events the simulation fired
     * @param wallSeconds     the run's wall-clock time
     * @param virtualSeconds  the run's virtual time
     * @param cpuSeconds      the CPU time of the thread that ran it: on a shared machine, what the run
     *                        itself cost, without the time other processes (or the hypervisor) took
     */
    public record Result(RoutingCase routingCase, double offeredRps, TtftLog.Stats ttft, long failed, long events,
                  double wallSeconds, double virtualSeconds, double cpuSeconds) {

        public double eventsPerSecond() {
            return wallSeconds > 0 ? events / wallSeconds : 0;
        }
    }

    /**
     * @param model               every replica's engine
     * @param replicaCapacity     one replica's capacity in requests per second ({@link EngineCapacity})
     * @param load                offered load as a share of the fleet's capacity
     */
    static Result run(RoutingCase routingCase, EngineModel model, Workload workload, double replicaCapacity,
                      double load, double warmupSeconds, double measureSeconds, long seed) {
        return run(routingCase, model, workload, replicaCapacity, load, warmupSeconds, measureSeconds, seed, null);
    }

    /** As above, the gateways sharing their counts over {@code peers} (null: they do not). */
    static Result run(RoutingCase routingCase, EngineModel model, Workload workload, double replicaCapacity,
                      double load, double warmupSeconds, double measureSeconds, long seed,
                      PeerNetwork.Settings peers) {
        requireNonNull(routingCase, "routingCase");
        long wallStart = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        Simulation sim = new Simulation();
        long from = (long) (warmupSeconds * 1e9);
        long until = (long) ((warmupSeconds + measureSeconds) * 1e9);
        TtftLog log = new TtftLog(from, until);
        FleetSim fleetSim = new FleetSim(sim, model, new Fleet.Settings(0, 0, 0), log, seed);
        fleetSim.fleet().startReady(routingCase.replicas());
        fleetSim.routeAs(routingCase);
        if (!routingCase.bound() && peers != null) {
            // A stream of its own: the arrivals and the pickers' draws stay those of the run without peers.
            fleetSim.sharePeers(peers, new SplittableRandom(seed ^ 0x5EE25EE25EE25EE2L));
        }
        double rate = replicaCapacity * routingCase.replicas() * load;
        fleetSim.offer(Trace.constant(rate, warmupSeconds + measureSeconds), workload);
        sim.runUntil(until);
        long drainEnd = until + (long) (DRAIN_SECONDS * 1e9);
        while (sim.now() < drainEnd && !log.settled()) {
            sim.runUntil(Math.min(drainEnd, sim.now() + DRAIN_STEP_NANOS));
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Result(routingCase, rate, log.measured(), fleetSim.failed(), sim.eventsFired(), wall,
                sim.now() / 1e9, cpu);
    }
}
