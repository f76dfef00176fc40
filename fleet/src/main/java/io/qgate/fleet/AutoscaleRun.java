package io.qgate.fleet;

import io.qgate.fleet.hpa.HorizontalPodAutoscaler;
import io.qgate.fleet.hpa.HpaSpec;
import io.qgate.routing.RoutingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One autoscaling run: the trace's load through the gateways (queue routing) to a fleet the HPA
 * sizes every sync period from the monitored signal, new pods loading the model before they
 * serve. Records the replicas over time and TTFT by the minute.
 */
public final class AutoscaleRun {

    /** Seconds without arrivals after the trace, so that the last minutes' requests get their first token. */
    private static final double DRAIN_SECONDS = 300;

    /** The state at one HPA sync. */
    public record Point(double seconds, double offeredRps, int desired, int ready, int pods, int recommended,
                 double rateMetric, double queueMetric, double cpuPercent, double gpuPercent, double memoryMiB) {}

    /**
     * @param minutes         TTFT by minute of arrival, over the trace
     * @param sloAttainment   share of those minutes whose TTFT p99 met the objective
     * @param replicaMinutes  pods of any state, integrated over the trace
     * @param recoverySeconds for each disturbance of the trace, from the jump to the end of the
     *                        last minute that missed the objective before the next one (0: none missed)
     */
    public record Result(AutoscaleSetup setup, List<Point> timeline, List<TtftLog.Stats> minutes, double sloAttainment,
                  double replicaMinutes, List<Double> recoverySeconds, TtftLog.Stats overall, long requests,
                  long failed, long events, double wallSeconds) {

        public double meanReady() {
            return timeline.stream().mapToInt(Point::ready).average().orElse(0);
        }

        public int peakPods() {
            return timeline.stream().mapToInt(Point::pods).max().orElse(0);
        }

        /** The longest recovery, or NaN when the trace has no disturbance. */
        double worstRecoverySeconds() {
            return recoverySeconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    private AutoscaleRun() {}

    static Result run(AutoscaleSetup setup) {
        long wallStart = System.nanoTime();
        Simulation sim = new Simulation();
        long end = (long) (setup.trace().durationSeconds() * 1e9);
        TtftLog log = new TtftLog(0, end);
        FleetSim fleetSim = new FleetSim(sim, setup.model(), setup.fleet(), log, setup.seed());
        Fleet fleet = fleetSim.fleet();
        fleet.startReady(setup.initialReplicas());
        RoutingSettings routing = RoutingSettings.defaults().withPrefixAffinity(false);
        fleetSim.routeByGateways(setup.gateways(), "queue", routing, setup.scrapeInterval());
        Monitoring monitoring = new Monitoring(sim, fleet, fleetSim.gateways(), setup.cpu(), setup.memory(),
                setup.monitoring());
        SplittableRandom phases = fleetSim.split();
        monitoring.start((long) (phases.nextDouble() * setup.monitoring().scrapeNanos()),
                (long) (phases.nextDouble() * setup.monitoring().resolutionNanos()));

        HpaSpec spec = setup.hpa();
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(spec);
        List<Point> timeline = new ArrayList<>();
        long sync = spec.syncPeriod().toNanos();
        sim.every((long) (phases.nextDouble() * sync), sync, () -> {
            int current = fleet.specReplicas();
            HorizontalPodAutoscaler.Decision decision = hpa.reconcile(sim.now(), current, current, monitoring);
            if (sim.now() < end) {
                timeline.add(point(sim.now(), setup.trace(), fleet, decision, monitoring));
            }
            if (decision.replicas() != current) {
                fleet.scaleTo(decision.replicas());
            }
        });

        fleetSim.offer(setup.trace(), setup.workload());
        sim.runUntil(end);
        double podSeconds = fleet.podSeconds();
        sim.runUntil(end + (long) (DRAIN_SECONDS * 1e9));

        int minuteCount = (int) Math.ceil(setup.trace().durationSeconds() / 60);
        List<TtftLog.Stats> minutes = log.perMinute(minuteCount);
        long met = minutes.stream().filter(m -> m.requests() == 0 || m.p99Ms() < setup.sloMillis()).count();
        List<Double> recovery = new ArrayList<>();
        List<Double> disturbances = setup.trace().disturbances();
        for (int i = 0; i < disturbances.size(); i++) {
            double until = i + 1 < disturbances.size() ? disturbances.get(i + 1) : setup.trace().durationSeconds();
            recovery.add(recoverySeconds(minutes, disturbances.get(i), until, setup.sloMillis()));
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        TtftLog.Stats overall = log.measured();
        return new Result(setup, timeline, minutes, (double) met / minuteCount, podSeconds / 60, recovery, overall,
                overall.requests(), fleetSim.failed(), sim.eventsFired(), wall);
    }

    /** From {@code from} to the end of the last minute before {@code until} that missed the objective. */
    static double recoverySeconds(List<TtftLog.Stats> minutes, double from, double until, double sloMillis) {
        double recovered = from;
        for (int m = (int) (from / 60); m < minutes.size() && m * 60.0 < until; m++) {
            TtftLog.Stats stats = minutes.get(m);
            if (stats.requests() > 0 && !(stats.p99Ms() < sloMillis)) {
                recovered = (m + 1) * 60.0;
            }
        }
        return recovered - from;
    }

    private static Point point(long now, Trace trace, Fleet fleet, HorizontalPodAutoscaler.Decision decision,
                               Monitoring monitoring) {
        int ready = fleet.accepting().size();
        return new Point(now / 1e9, trace.rate(now / 1e9), decision.replicas(), ready, fleet.pods().size(),
                decision.recommended(), monitoring.rate().orElse(Double.NaN), monitoring.poolQueue(),
                monitoring.readyCpuPercent(), monitoring.readyGpuPercent(), monitoring.meanMemoryMiB());
    }
}
