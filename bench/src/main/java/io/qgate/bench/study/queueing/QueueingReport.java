package io.qgate.bench.study.queueing;

import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.Md;
import io.qgate.bench.harness.StudyCli;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.study.routing.Capacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the queueing scenario found, against the targets: tenant b's p90 TTFT beside the
 * flood within 1.2× the physical floor measured in the same run (b alone plus the wait for a slot
 * to free, {@link PhysicalFloor}), the high-priority p99 at most 0.2× the low-priority flood's, a
 * lower p99 with late binding at equal throughput, and every request answered.
 */
record QueueingReport(QueueingOptions options, Instant startedAt, double wallSeconds, Capacity smallCapacity,
                      Capacity bigCapacity, double rateA, double rateB, List<QueueingScenario.Run> runs)
        implements StudyCli.Report {

    /** B's p90 over the physical floor's p90 that counts as at the floor. */
    static final double NOISY_TARGET = 1.2;
    static final double PRIORITY_TARGET = 0.2;

    QueueingReport {
        runs = List.copyOf(runs);
    }

    private QueueingScenario.Run run(String name) {
        return runs.stream().filter(run -> run.name().equals(name)).findFirst().orElseThrow();
    }

    private double scale(QueueingScenario.Run run) {
        return run.name().contains("%") ? options.lateBinding().timeScale() : options.saturated().timeScale();
    }

    /** B's p90 TTFT beside the flood over B's alone, with the queue where {@code run} had it. */
    double noisyRatio(String run) {
        return run(run).result("b").ttftMs().p90() / run(QueueingScenario.B_ALONE).result("b").ttftMs().p90();
    }

    /** The physical floor of b's TTFT in {@code run}; {@code null} when the pool never saturated. */
    PhysicalFloor floor(String run) {
        return PhysicalFloor.of(run(run).slots(), run(QueueingScenario.B_ALONE).result("b").ttftMicros(),
                PhysicalFloor.PROBES);
    }

    /** B's p90 TTFT beside the flood over the physical floor's p90 in the same run; NaN without a floor. */
    double floorRatio(String run) {
        PhysicalFloor floor = floor(run);
        return floor == null ? Double.NaN : run(run).result("b").ttftMs().p90() * 1e6 / floor.p90Nanos();
    }

    /** The high-priority trickle's p99 TTFT over the low-priority flood's. */
    double priorityRatio(String run) {
        return run(run).result("b").ttftMs().p99() / run(run).result("a").ttftMs().p99();
    }

    long requests() {
        return runs.stream().flatMap(run -> run.results().stream()).mapToLong(LoadResult::requests).sum();
    }

    long errors() {
        return runs.stream().flatMap(run -> run.results().stream()).mapToLong(LoadResult::errorCount).sum();
    }

    @Override
    public String toJson() {
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("startedAt", startedAt.toString());
        root.put("wallSeconds", wallSeconds);
        root.put("smallFleetCapacity", smallCapacity.modelledRps());
        root.put("lateBindingFleetCapacity", bigCapacity.modelledRps());
        root.put("rateA", rateA);
        root.put("rateB", rateB);
        root.put("engineQueue", options.engineQueueSetting());
        root.put("peerGateways", options.peerGateways());
        ArrayNode rows = root.putArray("runs");
        for (QueueingScenario.Run run : runs) {
            for (String load : run.loads()) {
                LoadResult result = run.result(load);
                ObjectNode row = rows.addObject();
                row.put("run", run.name());
                row.put("heldAtGateway", run.held());
                row.put("load", load);
                row.put("requests", result.requests());
                row.put("ok", result.ok());
                row.put("errors", result.errorCount());
                row.put("throughputPerModelledSecond", result.throughputRps() * scale(run));
                row.put("ttftP50Ms", result.ttftMs().p50() / scale(run));
                row.put("ttftP90Ms", result.ttftMs().p90() / scale(run));
                row.put("ttftP99Ms", result.ttftMs().p99() / scale(run));
            }
        }
        for (String run : List.of(QueueingScenario.NOISY_HELD, QueueingScenario.NOISY_FIFO)) {
            ObjectNode node = root.putObject(run.equals(QueueingScenario.NOISY_HELD)
                    ? "noisyNeighbourHeld" : "noisyNeighbourFifo");
            double ratio = floorRatio(run);
            target(node, ratio, "<= " + NOISY_TARGET + " x the physical floor", ratio <= NOISY_TARGET);
            node.put("overBAlone", noisyRatio(run));
            PhysicalFloor floor = floor(run);
            if (floor != null) {
                node.put("floorP90Ms", floor.p90Nanos() / 1e6 / options.saturated().timeScale());
                node.put("slotWaitMeanMs", floor.meanWaitNanos() / 1e6 / options.saturated().timeScale());
                node.put("slotWaitP90Ms", floor.p90WaitNanos() / 1e6 / options.saturated().timeScale());
                node.put("slotsFreedPerSecond", floor.freesPerSecond() * options.saturated().timeScale());
            }
        }
        target(root.putObject("priorityHeld"), priorityRatio(QueueingScenario.PRIORITY_HELD),
                "<= " + PRIORITY_TARGET, priorityRatio(QueueingScenario.PRIORITY_HELD) <= PRIORITY_TARGET);
        target(root.putObject("priorityFifo"), priorityRatio(QueueingScenario.PRIORITY_FIFO), null, null);
        target(root.putObject("priorityEnginesByPriority"),
                priorityRatio(QueueingScenario.PRIORITY_ENGINES_BY_PRIORITY), null, null);
        target(root.putObject("priorityHeldEnginesByPriority"),
                priorityRatio(QueueingScenario.PRIORITY_HELD_ENGINES_BY_PRIORITY), "<= " + PRIORITY_TARGET,
                priorityRatio(QueueingScenario.PRIORITY_HELD_ENGINES_BY_PRIORITY) <= PRIORITY_TARGET);
        root.put("requests", requests());
        root.put("errors", errors());
        return root.toPrettyString();
    }

    /**
     * B's p90 against the floor measured in the same run, beside the old figure over b alone, and
     * what the floor is made of, against what it would be if slots freed as a Poisson stream.
     */
    private String noisyNeighbour() {
        double scale = options.saturated().timeScale();
        double held = floorRatio(QueueingScenario.NOISY_HELD);
        PhysicalFloor floor = floor(QueueingScenario.NOISY_HELD);
        StringBuilder md = new StringBuilder(Md.f("- noisy neighbour: b's p90 TTFT beside a's flood over the physical "
                        + "floor's p90 in the same run: **%.2f×** held at the gateway (target ≤ %.1f×: %s), %.2f× with "
                        + "the engines' queues; over b alone: %.1f× held, %.1f× with the engines' queues%n", held,
                NOISY_TARGET, held <= NOISY_TARGET ? "met" : "NOT met", floorRatio(QueueingScenario.NOISY_FIFO),
                noisyRatio(QueueingScenario.NOISY_HELD), noisyRatio(QueueingScenario.NOISY_FIFO)));
        if (floor != null) {
            double freesPerSecond = floor.freesPerSecond() * scale;
            md.append(Md.f("- the floor (held run): p90 %.0f ms = b alone's TTFT plus the wait for the first of the "
                            + "pool's %d slots to free after an arrival, mean %.0f ms, p90 %.0f ms, with slots freeing "
                            + "at %.2f/s. Were the frees a Poisson stream (%d independent slots, each held for a whole "
                            + "sequence), the wait would be exponential: mean 1/%.2f = %.0f ms, p90 ln 10/%.2f = %.0f ms; "
                            + "the measured floor is %.1f× b alone's p90%n",
                    floor.p90Nanos() / 1e6 / scale, run(QueueingScenario.NOISY_HELD).slots().slots(),
                    floor.meanWaitNanos() / 1e6 / scale, floor.p90WaitNanos() / 1e6 / scale, freesPerSecond,
                    run(QueueingScenario.NOISY_HELD).slots().slots(), freesPerSecond, 1000 / freesPerSecond,
                    freesPerSecond, 1000 * Math.log(10) / freesPerSecond,
                    floor.p90Nanos() / 1e6 / run(QueueingScenario.B_ALONE).result("b").ttftMs().p90()));
        }
        return md.toString();
    }

    private static void target(ObjectNode node, double value, String text, Boolean met) {
        if (Double.isNaN(value)) {
            // No floor: the pool never saturated (a quick run); JSON has no NaN.
            node.putNull("value");
        } else {
            node.put("value", value);
        }
        JsonFiles.putTarget(node, text, met);
    }

    @Override
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("# The queue held at the gateway against the engines' queues\n\n");
        md.append(Md.f("One gateway. Tenants and priorities: %d simulated replicas of max-num-seqs %d (capacity "
                        + "%.2f req/s), tenant a %.2f req/s and tenant b %.2f req/s together (%.0f%% of capacity). "
                        + "Late binding: %d replicas of max-num-seqs %d (capacity %.2f req/s). Where the queue is held "
                        + "at the gateway, admission.engine-queue is %s. Time scale %s, %s, streamed; latencies in "
                        + "modelled ms, time to first token at the first content token.%n%n",
                options.saturated().replicas(), options.saturated().maxNumSeqs(), smallCapacity.modelledRps(), rateA,
                rateB, 100 * options.overload(), options.lateBinding().replicas(), options.lateBinding().maxNumSeqs(),
                bigCapacity.modelledRps(), options.engineQueueSetting(), options.saturated().timeScale(),
                options.saturated().workload().name()));
        List<List<String>> rows = new ArrayList<>();
        for (QueueingScenario.Run run : runs) {
            for (String load : run.loads()) {
                LoadResult result = run.result(load);
                double scale = scale(run);
                rows.add(List.of(run.name(), load, Long.toString(result.requests()), Long.toString(result.errorCount()),
                        Md.f("%.2f", result.throughputRps() * scale), Md.ms(result.ttftMs().p50() / scale),
                        Md.ms(result.ttftMs().p90() / scale), Md.ms(result.ttftMs().p99() / scale)));
            }
        }
        md.append(Md.table(List.of("run", "load", "sent", "errors", "req/s", "TTFT p50", "TTFT p90", "TTFT p99"),
                "llrrrrrr", rows));
        md.append(noisyNeighbour());
        double priority = priorityRatio(QueueingScenario.PRIORITY_HELD);
        md.append(Md.f("- priority: the high-priority trickle's p99 TTFT over the low-priority flood's: **%.2f×** held "
                        + "(target ≤ %.1f×: %s), %.2f× with the engines' queues%n", priority, PRIORITY_TARGET,
                priority <= PRIORITY_TARGET ? "met" : "NOT met", priorityRatio(QueueingScenario.PRIORITY_FIFO)));
        md.append(Md.f("- priority with the engines on vLLM's --scheduling-policy priority (the priority in the body): "
                        + "**%.2f×** held at the gateway, %.2f× with the engines' queues%n",
                priorityRatio(QueueingScenario.PRIORITY_HELD_ENGINES_BY_PRIORITY),
                priorityRatio(QueueingScenario.PRIORITY_ENGINES_BY_PRIORITY)));
        for (double load : options.lateBindingLoads()) {
            String at = Md.f("%.0f%%", 100 * load);
            LoadResult engines = run(at + QueueingScenario.ENGINES).result("one");
            LoadResult gateway = run(at + QueueingScenario.HELD).result("one");
            md.append(Md.f("- late binding at %s: p99 TTFT held over engines' queues **%.2f×**, throughput %.3f×%n",
                    at, gateway.ttftMs().p99() / engines.ttftMs().p99(),
                    gateway.throughputRps() / engines.throughputRps()));
            if (options.peerGateways() > 1) {
                LoadResult peers = run(at + QueueingScenario.heldOnPeers(options.peerGateways())).result("one");
                // Three generators draw their own Poisson arrivals: throughput is set against what each run sent.
                md.append(Md.f("  - held at %d gateways with peers: p99 TTFT over one gateway's engines' queues "
                                + "**%.2f×**, over one gateway holding it %.2f×; answered per second over sent per "
                                + "second %.3f, against %.3f with one gateway's engines' queues%n",
                        options.peerGateways(), peers.ttftMs().p99() / engines.ttftMs().p99(),
                        peers.ttftMs().p99() / gateway.ttftMs().p99(), peers.throughputRps() / peers.sentRps(),
                        engines.throughputRps() / engines.sentRps()));
            }
        }
        md.append(Md.f("- every request answered: %d sent, %d failed%n", requests(), errors()));
        return md.toString();
    }
}
