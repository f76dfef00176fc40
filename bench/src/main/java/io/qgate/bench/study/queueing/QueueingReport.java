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
 * flood within about 3× b alone (the physical floor: one slot's wait), the high-priority p99 at
 * most 0.2× the low-priority flood's, a lower p99 with late binding at equal throughput, and
 * every request answered.
 */
record QueueingReport(QueueingOptions options, Instant startedAt, double wallSeconds, Capacity smallCapacity,
                      Capacity bigCapacity, double rateA, double rateB, List<QueueingScenario.Run> runs)
        implements StudyCli.Report {

    static final double NOISY_TARGET = 3;
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
        root.put("engineQueue", options.engineQueue());
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
        target(root.putObject("noisyNeighbourHeld"), noisyRatio(QueueingScenario.NOISY_HELD), "<= " + NOISY_TARGET,
                noisyRatio(QueueingScenario.NOISY_HELD) <= NOISY_TARGET);
        target(root.putObject("noisyNeighbourFifo"), noisyRatio(QueueingScenario.NOISY_FIFO), null, null);
        target(root.putObject("priorityHeld"), priorityRatio(QueueingScenario.PRIORITY_HELD),
                "<= " + PRIORITY_TARGET, priorityRatio(QueueingScenario.PRIORITY_HELD) <= PRIORITY_TARGET);
        target(root.putObject("priorityFifo"), priorityRatio(QueueingScenario.PRIORITY_FIFO), null, null);
        root.put("requests", requests());
        root.put("errors", errors());
        return root.toPrettyString();
    }

    private static void target(ObjectNode node, double value, String text, Boolean met) {
        node.put("value", value);
        JsonFiles.putTarget(node, text, met);
    }

    @Override
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("# The queue held at the gateway against the engines' queues\n\n");
        md.append(Md.f("One gateway. Tenants and priorities: %d simulated replicas of max-num-seqs %d (capacity "
                        + "%.2f req/s), tenant a %.2f req/s and tenant b %.2f req/s together (%.0f%% of capacity). "
                        + "Late binding: %d replicas of max-num-seqs %d (capacity %.2f req/s). Where the queue is held "
                        + "at the gateway, admission.engine-queue is %d. Time scale %s, %s, streamed; latencies in "
                        + "modelled ms, time to first token at the first content token.%n%n",
                options.saturated().replicas(), options.saturated().maxNumSeqs(), smallCapacity.modelledRps(), rateA,
                rateB, 100 * options.overload(), options.lateBinding().replicas(), options.lateBinding().maxNumSeqs(),
                bigCapacity.modelledRps(), options.engineQueue(), options.saturated().timeScale(),
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
        double held = noisyRatio(QueueingScenario.NOISY_HELD);
        md.append(Md.f("- noisy neighbour: b's p90 TTFT beside a's flood over b alone: **%.1f×** held at the gateway "
                        + "(target ≤ %.0f×: %s), %.1f× with the engines' queues%n", held, NOISY_TARGET,
                held <= NOISY_TARGET ? "met" : "NOT met", noisyRatio(QueueingScenario.NOISY_FIFO)));
        double priority = priorityRatio(QueueingScenario.PRIORITY_HELD);
        md.append(Md.f("- priority: the high-priority trickle's p99 TTFT over the low-priority flood's: **%.2f×** held "
                        + "(target ≤ %.1f×: %s), %.2f× with the engines' queues%n", priority, PRIORITY_TARGET,
                priority <= PRIORITY_TARGET ? "met" : "NOT met", priorityRatio(QueueingScenario.PRIORITY_FIFO)));
        for (double load : options.lateBindingLoads()) {
            String at = Md.f("%.0f%%", 100 * load);
            LoadResult engines = run(at + QueueingScenario.ENGINES).result("one");
            LoadResult gateway = run(at + QueueingScenario.HELD).result("one");
            md.append(Md.f("- late binding at %s: p99 TTFT held over engines' queues **%.2f×**, throughput %.3f×%n",
                    at, gateway.ttftMs().p99() / engines.ttftMs().p99(),
                    gateway.throughputRps() / engines.throughputRps()));
        }
        md.append(Md.f("- every request answered: %d sent, %d failed%n", requests(), errors()));
        return md.toString();
    }
}
