package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.util.SplittableRandom;

/**
 * One configuration of the fleet-scale routing comparison: a static fleet of ready replicas, its
 * gateways (or the oracle), and Poisson load at a fixed share of the fleet's capacity; time to
 * first token over the measured interval after a warm-up.
 */
public final class RoutingRun {

    /** Seconds without arrivals at the end, so that requests of the measured interval get their first token. */
    private static final double DRAIN_SECONDS = 60;

    /**
     * @param offeredRps      the Poisson rate
     * @param ttft            over requests arriving in the measured interval
     * @param events          events the simulation fired
     * @param wallSeconds     the run's wall-clock time
     * @param virtualSeconds  the run's virtual time
     */
    public record Result(RoutingCase routingCase, double offeredRps, TtftLog.Stats ttft, long failed, long events,
                  double wallSeconds, double virtualSeconds) {

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
        sim.runUntil(until + (long) (DRAIN_SECONDS * 1e9));
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return new Result(routingCase, rate, log.measured(), fleetSim.failed(), sim.eventsFired(), wall,
                sim.now() / 1e9);
    }
}
