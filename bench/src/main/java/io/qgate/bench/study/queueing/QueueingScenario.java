package io.qgate.bench.study.queueing;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.GatewayTier;
import io.qgate.bench.harness.ParallelLoads;
import io.qgate.bench.harness.PeerSettings;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.sim.SchedulingPolicy;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.bench.sim.SlotLog;
import io.qgate.bench.study.routing.Capacity;
import io.qgate.bench.study.routing.CapacityProbe;
import io.qgate.bench.study.routing.ScenarioOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * The gateway-held queue against the engines' own: a saturated pool of simulated replicas, one
 * gateway, and the same Poisson arrivals with the queue held at the gateway (saturation-aware
 * admission, priority and fair order) and without it (today's behaviour before it: every request
 * goes straight to an engine, which queues it in arrival order).
 *
 * <p>Parts: a noisy neighbour (tenant A at ten times tenant B's rate, together above capacity,
 * against B alone), priority (a high-priority trickle beside a low-priority flood), and late
 * binding on the routing bench's fleet at 85% and 95% of its capacity.
 */
public final class QueueingScenario {

    static final String B_ALONE = "b alone";
    static final String NOISY_FIFO = "a and b, engines' queues (FIFO)";
    static final String NOISY_HELD = "a and b, held at the gateway (fair)";
    static final String PRIORITY_FIFO = "priorities, engines' queues (FIFO)";
    static final String PRIORITY_HELD = "priorities, held at the gateway";
    static final String PRIORITY_ENGINES_BY_PRIORITY = "priorities, engines' queues by priority";
    static final String PRIORITY_HELD_ENGINES_BY_PRIORITY = "priorities, held, engines by priority";
    static final String ENGINES = ", engines' queues";
    static final String HELD = ", held at the gateway";

    /** A's rate over B's in the noisy-neighbour part. */
    static final double FLOOD_RATIO = 10;

    /** How often peers report, in modelled time (scaled to the wall clock like the scrapes). */
    private static final Duration PEERS_INTERVAL = Duration.ofMillis(10);

    private QueueingScenario() {}

    /** One measured run: its name, what the gateway held, each load's result, and when the pool's slots turned. */
    record Run(String name, boolean held, double offered, List<String> loads, List<LoadResult> results,
               PhysicalFloor.Slots slots) {
        Run {
            loads = List.copyOf(loads);
            results = List.copyOf(results);
        }

        LoadResult result(String load) {
            return results.get(loads.indexOf(load));
        }
    }

    public static QueueingReport run(QueueingOptions options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        ScenarioOptions small = options.saturated();
        progress.printf(Locale.ROOT, "queueing scenario: %d replicas (max-num-seqs %d) for the tenants and priorities, "
                + "%d (max-num-seqs %d) for late binding, time scale %s%n", small.replicas(), small.maxNumSeqs(),
                options.lateBinding().replicas(), options.lateBinding().maxNumSeqs(), small.timeScale());
        progress.println("phase 1/5: capacities");
        Capacity smallCapacity = capacity(small, progress);
        Capacity bigCapacity = capacity(options.lateBinding(), progress);
        double total = smallCapacity.modelledRps() * options.overload();
        double rateB = total / (FLOOD_RATIO + 1);
        double rateA = total - rateB;
        List<Run> runs = new ArrayList<>();
        String engineQueue = options.engineQueueSetting();
        Setup engines = new Setup(false, false, 1, engineQueue);
        Setup held = new Setup(true, false, 1, engineQueue);
        Map<String, Double> both = Map.of("a", rateA, "b", rateB);
        if (!small.warmup().isZero()) {
            progress.println("phase 2/5: warming up (unmeasured)");
            measure("warm-up", small, held, both, Map.of(), small.warmup(), progress);
        }
        progress.printf(Locale.ROOT, "phase 3/5: noisy neighbour: tenant a %.2f req/s, tenant b %.2f req/s "
                + "(modelled; %.0f%% of capacity together)%n", rateA, rateB, 100 * options.overload());
        runs.add(measure(B_ALONE, small, held, Map.of("b", rateB), Map.of(), small.duration(), progress));
        runs.add(measure(NOISY_FIFO, small, engines, both, Map.of(), small.duration(), progress));
        runs.add(measure(NOISY_HELD, small, held, both, Map.of(), small.duration(), progress));
        progress.println("phase 4/5: priority: a low-priority flood (a) and a high-priority trickle (b)");
        Map<String, Integer> priorities = Map.of("a", 5, "b", -1);
        runs.add(measure(PRIORITY_FIFO, small, engines, both, priorities, small.duration(), progress));
        runs.add(measure(PRIORITY_HELD, small, held, both, priorities, small.duration(), progress));
        // The same with vLLM's --scheduling-policy priority: the priority goes in the body, where the engines read it.
        runs.add(measure(PRIORITY_ENGINES_BY_PRIORITY, small, engines.withEnginePriority(), both, priorities,
                small.duration(), progress));
        runs.add(measure(PRIORITY_HELD_ENGINES_BY_PRIORITY, small, held.withEnginePriority(), both, priorities,
                small.duration(), progress));
        progress.println("phase 5/5: late binding on the routing bench's fleet");
        ScenarioOptions big = options.lateBinding();
        for (double load : options.lateBindingLoads()) {
            Map<String, Double> one = Map.of("one", bigCapacity.modelledRps() * load);
            String at = String.format(Locale.ROOT, "%.0f%%", 100 * load);
            runs.add(measure(at + ENGINES, big, engines, one, Map.of(), big.duration(), progress));
            runs.add(measure(at + HELD, big, held, one, Map.of(), big.duration(), progress));
            if (options.peerGateways() > 1) {
                runs.add(measure(at + heldOnPeers(options.peerGateways()), big,
                        held.onGateways(options.peerGateways()), one, Map.of(), big.duration(), progress));
            }
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "done in %.0f s%n", wallSeconds);
        return new QueueingReport(options, startedAt, wallSeconds, smallCapacity, bigCapacity, rateA, rateB, runs);
    }

    private static Capacity capacity(ScenarioOptions fleet, PrintStream progress) {
        return fleet.fixedCapacity() > 0 ? Capacity.given(fleet.fixedCapacity()) : CapacityProbe.measure(fleet, progress);
    }

    /**
     * Where the queue is, and how many gateways share the fleet.
     *
     * @param held           whether the gateways hold the queue (saturation-aware admission)
     * @param enginePriority whether the engines run vLLM's {@code --scheduling-policy priority}, and
     *                       a priority goes in the body instead of the gateways' header
     * @param gateways       gateways sharing the fleet, peers of one another when more than one,
     *                       each sent an equal share of every tenant's load
     * @param engineQueue    the gateways' {@code admission.engine-queue}
     */
    record Setup(boolean held, boolean enginePriority, int gateways, String engineQueue) {
        Setup withEnginePriority() {
            return new Setup(held, true, gateways, engineQueue);
        }

        Setup onGateways(int count) {
            return new Setup(held, enginePriority, count, engineQueue);
        }
    }

    /** The late-binding run's name with the queue held at {@code gateways} gateways that are peers. */
    static String heldOnPeers(int gateways) {
        return ", held at " + gateways + " gateways with peers";
    }

    /**
     * A fresh fleet and gateways, one load per tenant and gateway (the tenant's own key; its
     * priority, when given, in a header the gateway reads, or in the body for engines on vLLM's
     * priority policy), all at once for {@code modelled} time; each tenant's loads reported as one.
     */
    private static Run measure(String name, ScenarioOptions fleetOptions, Setup setup, Map<String, Double> rates,
                               Map<String, Integer> priorities, Duration modelled, PrintStream progress) {
        Duration wall = fleetOptions.wall(modelled);
        progress.println("  " + name);
        SchedulingPolicy policy = setup.enginePriority() ? SchedulingPolicy.PRIORITY : SchedulingPolicy.FCFS;
        List<SimOptions> replicas = fleetOptions.simReplicas(SimOptions.defaults().model(), 0).stream()
                .map(replica -> replica.with(o -> o.schedulingPolicy = policy)).toList();
        try (Fleet fleet = Fleet.start(replicas); GatewayTier tier = tier(fleetOptions, fleet, setup)) {
            // Let the first scrapes land, so that no run starts on empty metrics.
            Sleep.millis(300);
            List<SlotLog> slotLogs = fleet.replicas().stream().map(SimServer::recordSlots).toList();
            long from = System.nanoTime();
            List<String> names = new ArrayList<>(new TreeMap<>(rates).keySet());
            List<LoadOptions> loads = new ArrayList<>();
            List<String> urls = tier.urls();
            for (String tenant : names) {
                for (int i = 0; i < urls.size(); i++) {
                    loads.add(load(fleetOptions, setup, tenant, rates.get(tenant) / urls.size(),
                            priorities.get(tenant), urls.get(i), i, wall));
                }
            }
            List<LoadResult> results = ParallelLoads.run(loads, wall,
                    () -> "running+waiting per replica: " + fleet.occupancy() + ", at the gateways: "
                            + tier.gateways().stream().mapToInt(g -> g.pools().all().get(0).admission().queued()).sum(),
                    () -> null, progress).results();
            List<LoadResult> perTenant = new ArrayList<>();
            for (int t = 0; t < names.size(); t++) {
                perTenant.add(LoadResult.merged(results.subList(t * urls.size(), (t + 1) * urls.size())));
            }
            double offered = rates.values().stream().mapToDouble(Double::doubleValue).sum();
            return new Run(name, setup.held(), offered, names, perTenant, slots(slotLogs,
                    fleetOptions.replicas() * fleetOptions.maxNumSeqs(), from, from + wall.toNanos()));
        }
    }

    /** One tenant's share of load sent to the gateway at {@code url}, the {@code index}th of the tier. */
    private static LoadOptions load(ScenarioOptions fleetOptions, Setup setup, String tenant, double modelledRate,
                                    Integer priority, String url, int index, Duration wall) {
        LoadOptions.Builder load = LoadOptions.builder()
                .url(url)
                .rate(modelledRate / fleetOptions.timeScale())
                .duration(wall)
                .stream(true)
                .workload(fleetOptions.workload())
                // Per tenant, not per position: b's arrivals are the same alone and beside a.
                .seed(fleetOptions.seed() + 1000L * (1 + (tenant.hashCode() & 0xff)) + 7919L * index)
                .drainTimeout(fleetOptions.drainTimeout())
                .header("Authorization", "Bearer sk-tenant-" + tenant)
                .quiet(true);
        if (priority != null && setup.enginePriority()) {
            load.priority(priority);
        } else if (priority != null) {
            load.header("x-priority", Integer.toString(priority));
        }
        return load.build();
    }

    /** The setup's gateways in front of the fleet, ready; peers of one another when more than one. */
    private static GatewayTier tier(ScenarioOptions fleetOptions, Fleet fleet, Setup setup) {
        Map<String, String> settings = gatewaySettings(fleetOptions, fleet, setup.held(), setup.engineQueue());
        if (setup.gateways() == 1) {
            return GatewayTier.start(1, settings);
        }
        return GatewayTier.start(PeerSettings.each(settings, setup.gateways(), fleetOptions.wall(PEERS_INTERVAL)));
    }

    private static PhysicalFloor.Slots slots(List<SlotLog> logs, int slots, long from, long to) {
        LongStream taken = LongStream.empty();
        LongStream freed = LongStream.empty();
        for (SlotLog log : logs) {
            taken = LongStream.concat(taken, LongStream.of(log.takenNanos()));
            freed = LongStream.concat(freed, LongStream.of(log.freedNanos()));
        }
        return new PhysicalFloor.Slots(taken.toArray(), freed.toArray(), slots, from, to);
    }

    private static Map<String, String> gatewaySettings(ScenarioOptions fleetOptions, Fleet fleet, boolean held,
                                                       String engineQueue) {
        Map<String, String> settings = fleetOptions.inProcessGatewaySettings();
        settings.put("endpoints", fleet.endpoints());
        // A few missed scrapes on a busy machine should not turn the engines' room off.
        settings.put("scrape.stale-after", Math.max(1, Math.round(1000 * fleetOptions.timeScale())) + "ms");
        settings.put("admission.saturation", Boolean.toString(held));
        settings.put("admission.engine-queue", engineQueue);
        settings.put("admission.queue-size", "100000");
        settings.put("admission.queue-timeout", "10m");
        settings.put("admission.priority-header", "x-priority");
        return settings;
    }
}
