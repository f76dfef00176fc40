package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.hpa.HorizontalPodAutoscaler;
import io.qgate.routing.RoutingSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * One run of a pool that KEDA may scale to zero: the trace through qgate's gateways, which hold
 * requests while they know no ready replica (or refuse them, without holding); KEDA reading
 * {@code max(qgate_pool_demand)} and the request rate from Prometheus every polling interval to
 * wake the pool and, after the cooldown without either, to put it back to zero; the HPA (rate + queue, deploy/'s
 * behavior) above one replica; new pods loading their model before they serve.
 */
public final class ZeroRun {

    /** Seconds without arrivals after the trace, so that the last requests get their first token. */
    private static final double DRAIN_SECONDS = 300;

    /** The bounds (s) of the wait table: the share of held requests sent on within each. */
    public static final List<Integer> WAIT_BOUNDS = List.of(30, 60, 90, 120, 180, 300);

    /**
     * @param name  how the report names the variant
     * @param base  the trace, the HPA above one replica, the fleet, the gateways and the objective
     * @param keda  the ScaledObject's activation and cooldown
     * @param hold  the gateways' scale-from-zero settings
     */
    public record Setup(String name, AutoscaleSetup base, ScaledObject keda, HoldingTier.Settings hold) {
        public Setup {
            requireNonNull(name, "name");
            requireNonNull(base, "base");
            requireNonNull(keda, "keda");
            requireNonNull(hold, "hold");
        }

        /** Whether the gateways hold requests while no replica is ready. */
        public boolean holds() {
            return hold.enabled();
        }
    }

    /**
     * The wait of the requests that arrived while their gateway knew no ready replica, from arrival
     * to being sent to a replica, in seconds.
     *
     * @param withinShares for each of {@link #WAIT_BOUNDS}, the share of them sent on within it
     */
    public record Waits(long count, double p50, double p90, double p99, double max, List<Double> withinShares) {}

    /**
     * @param sloAttainment  the share of the trace's minutes whose TTFT p99 met the objective
     * @param busyMinutes    minutes in which requests arrived
     * @param busyAttainment the share of those that met the objective (idle minutes meet it trivially)
     * @param replicaMinutes pods of any state, integrated over the trace
     * @param failed         requests answered 503: refused at zero, the hold full, or held too long
     * @param wakeUps        times KEDA scaled the pool from zero
     * @param sleeps         times it scaled the pool to zero
     */
    public record Result(Setup setup, double sloAttainment, long busyMinutes, double busyAttainment,
                         double replicaMinutes, TtftLog.Stats overall, long requests, long failed, Waits held,
                         long timedOut, long refusedFull, long refusedAtZero, int wakeUps, int sleeps, int peakPods,
                         long events, double wallSeconds) {}

    private ZeroRun() {}

    public static Result run(Setup setup) {
        long wallStart = System.nanoTime();
        AutoscaleSetup base = setup.base();
        Simulation sim = new Simulation();
        long end = (long) (base.trace().durationSeconds() * 1e9);
        TtftLog log = new TtftLog(0, end);
        FleetSim fleetSim = new FleetSim(sim, base.model(), base.fleet(), log, base.seed());
        Fleet fleet = fleetSim.fleet();
        fleet.startReady(setup.keda().minReplicaCount());
        fleetSim.routeByGateways(base.gateways(), "queue", RoutingSettings.defaults().withPrefixAffinity(false),
                base.scrapeInterval());
        HoldingTier front = new HoldingTier(sim, fleetSim, setup.hold(), fleetSim.split());
        fleetSim.routeThrough(front);
        Monitoring monitoring = new Monitoring(sim, fleet, fleetSim.gateways(), base.cpu(), base.memory(),
                base.monitoring());
        SplittableRandom phases = fleetSim.split();
        monitoring.start((long) (phases.nextDouble() * base.monitoring().scrapeNanos()),
                (long) (phases.nextDouble() * base.monitoring().resolutionNanos()));

        // The HPA KEDA creates acts only while the Deployment has replicas ("scaling is disabled").
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(base.hpa());
        int[] peak = {fleet.pods().size()};
        long sync = base.hpa().syncPeriod().toNanos();
        sim.every((long) (phases.nextDouble() * sync), sync, () -> {
            int current = fleet.specReplicas();
            if (current > 0) {
                int desired = hpa.reconcile(sim.now(), current, current, monitoring).replicas();
                if (desired != current) {
                    fleet.scaleTo(desired);
                }
            }
            peak[0] = Math.max(peak[0], fleet.pods().size());
        });
        Keda keda = new Keda(sim, fleet, front, setup.keda(), base.monitoring().scrapeNanos());
        keda.start(phases);

        fleetSim.offer(base.trace(), base.workload());
        sim.runUntil(end);
        double podSeconds = fleet.podSeconds();
        sim.runUntil(end + (long) (DRAIN_SECONDS * 1e9));

        int minuteCount = (int) Math.ceil(base.trace().durationSeconds() / 60);
        List<TtftLog.Stats> minutes = log.perMinute(minuteCount);
        long met = minutes.stream().filter(m -> m.requests() == 0 || m.p99Ms() < base.sloMillis()).count();
        long busy = minutes.stream().filter(m -> m.requests() > 0).count();
        long busyMet = minutes.stream().filter(m -> m.requests() > 0 && m.p99Ms() < base.sloMillis()).count();
        TtftLog.Stats overall = log.measured();
        return new Result(setup, (double) met / minuteCount, busy, busy == 0 ? 1 : (double) busyMet / busy,
                podSeconds / 60, overall, overall.requests(), fleetSim.failed(), waits(front.waits()),
                front.timedOut(), front.refusedFull(), front.refusedAtZero(), keda.wakeUps(), keda.sleeps(), peak[0],
                sim.eventsFired(), (System.nanoTime() - wallStart) / 1e9);
    }

    static Waits waits(Histogram micros) {
        long count = micros.getTotalCount();
        if (count == 0) {
            return new Waits(0, 0, 0, 0, 0, WAIT_BOUNDS.stream().map(b -> 1.0).toList());
        }
        List<Double> within = new ArrayList<>();
        for (int bound : WAIT_BOUNDS) {
            within.add((double) micros.getCountBetweenValues(0, bound * 1_000_000L) / count);
        }
        return new Waits(count, micros.getValueAtPercentile(50) / 1e6, micros.getValueAtPercentile(90) / 1e6,
                micros.getValueAtPercentile(99) / 1e6, micros.getMaxValue() / 1e6, within);
    }

    /**
     * KEDA's operator loop for one ScaledObject. The Deployment is active while a trigger is above
     * its activation threshold in what Prometheus scraped last: the demand trigger
     * ({@code max(qgate_pool_demand)} above {@code activationThreshold}), or the request-rate
     * trigger beside it (activation threshold 0: any request received in the last minute, refused
     * ones too).
     */
    private static final class Keda {
        private static final long RATE_WINDOW_NANOS = 60_000_000_000L;

        private final Simulation sim;
        private final Fleet fleet;
        private final HoldingTier gateways;
        private final ScaledObject spec;
        private final long scrapeNanos;
        /** (time, requests received) of the scrapes within the rate window. */
        private final ArrayDeque<long[]> received = new ArrayDeque<>();
        private long scrapedDemand;
        private long lastActiveNanos;
        private int wakeUps;
        private int sleeps;

        Keda(Simulation sim, Fleet fleet, HoldingTier gateways, ScaledObject spec, long scrapeNanos) {
            this.sim = sim;
            this.fleet = fleet;
            this.gateways = gateways;
            this.spec = spec;
            this.scrapeNanos = scrapeNanos;
        }

        void start(SplittableRandom phases) {
            sim.every((long) (phases.nextDouble() * scrapeNanos), scrapeNanos, this::scrape);
            long poll = spec.pollingInterval().toNanos();
            sim.every((long) (phases.nextDouble() * poll), poll, this::poll);
        }

        private void scrape() {
            scrapedDemand = gateways.maxDemand();
            received.addLast(new long[] {sim.now(), gateways.received()});
            while (received.peekFirst()[0] <= sim.now() - RATE_WINDOW_NANOS) {
                received.pollFirst();
            }
        }

        private boolean active() {
            boolean requestsInWindow = received.size() > 1 && received.peekLast()[1] > received.peekFirst()[1];
            return scrapedDemand > spec.activationThreshold() || requestsInWindow;
        }

        private void poll() {
            boolean active = active();
            if (active) {
                lastActiveNanos = sim.now();
            }
            int replicas = fleet.specReplicas();
            if (replicas == 0 && active) {
                fleet.scaleTo(1);
                wakeUps++;
            } else if (replicas > 0 && spec.minReplicaCount() == 0 && !active
                    && sim.now() - lastActiveNanos >= spec.cooldownPeriod().toNanos()) {
                fleet.scaleTo(0);
                sleeps++;
            }
        }

        int wakeUps() {
            return wakeUps;
        }

        int sleeps() {
            return sleeps;
        }
    }
}
