package io.qgate.bench.study.pools;

import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.Md;
import io.qgate.bench.harness.StudyCli;
import io.qgate.bench.load.ErrorKinds;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.study.routing.Capacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static io.qgate.bench.study.pools.PoolsScenario.POOL_A;
import static io.qgate.bench.study.pools.PoolsScenario.POOL_B;

/**
 * What the pools scenario found, against the targets: B's p99 time to first token with A
 * flooded within 10% of B alone, every request at its own pool's replicas, and each pool's
 * published request rate within 5% of what was offered to it.
 */
record PoolsReport(PoolsOptions options, Instant startedAt, double wallSeconds, Capacity capacity,
                   double offeredA, double offeredB, PoolsScenario.PoolsRun alone, PoolsScenario.PoolsRun both)
        implements StudyCli.Report {

    static final double TTFT_TARGET = 1.10;
    static final double RATE_TOLERANCE = 0.05;

    /** B's p99 TTFT beside a flooded A, over B's alone. */
    double ttftP99Ratio() {
        return both.b().ttftMs().p99() / alone.b().ttftMs().p99();
    }

    /** Requests of a pool that a replica of the other pool refused as a model it does not serve. */
    static long wrongPool(LoadResult result) {
        return result == null ? 0 : result.errorCount(ErrorKinds.http(404));
    }

    /** The gateway's received rate of a pool over what its load generator sent, minus one. */
    static double rateError(PoolsScenario.PoolsRun run, String pool, LoadResult sent) {
        return run.counters().ratePerSecond(pool) / sent.sentRps() - 1;
    }

    boolean everyRequestAtItsOwnPool() {
        return wrongPool(both.a()) == 0 && wrongPool(both.b()) == 0 && wrongPool(alone.b()) == 0
                && both.replicaRequestsB() == both.b().requests() && alone.replicaRequestsA() == 0
                && both.replicaRequestsA() <= both.a().requests();
    }

    boolean ratesWithinTolerance() {
        return Math.abs(rateError(both, POOL_A, both.a())) <= RATE_TOLERANCE
                && Math.abs(rateError(both, POOL_B, both.b())) <= RATE_TOLERANCE;
    }

    @Override
    public String toJson() {
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("startedAt", startedAt.toString());
        root.put("wallSeconds", wallSeconds);
        root.put("replicasPerPool", options.pool().replicas());
        root.put("maxNumSeqs", options.pool().maxNumSeqs());
        root.put("timeScale", options.pool().timeScale());
        root.put("capacityPerPool", capacity.modelledRps());
        root.put("offeredA", offeredA);
        root.put("offeredB", offeredB);
        run(root.putObject("bAlone"), alone);
        run(root.putObject("both"), both);
        ObjectNode ratio = root.putObject("bTtftP99BesideFloodedAOverAlone");
        ratio.put("value", ttftP99Ratio());
        JsonFiles.putTarget(ratio, "<= " + TTFT_TARGET, ttftP99Ratio() <= TTFT_TARGET);
        root.put("everyRequestAtItsOwnPool", everyRequestAtItsOwnPool());
        root.put("ratesWithin5Percent", ratesWithinTolerance());
        return root.toPrettyString();
    }

    private void run(ObjectNode node, PoolsScenario.PoolsRun run) {
        for (String pool : List.of(POOL_A, POOL_B)) {
            LoadResult result = pool.equals(POOL_A) ? run.a() : run.b();
            ObjectNode side = node.putObject(pool);
            if (result == null) {
                side.put("offered", 0);
                continue;
            }
            double scale = options.pool().timeScale();
            side.put("requests", result.requests());
            side.put("ok", result.ok());
            side.put("errors", result.errorCount());
            side.put("wrongPool", wrongPool(result));
            side.put("replicaRequests", pool.equals(POOL_A) ? run.replicaRequestsA() : run.replicaRequestsB());
            side.put("sentPerWallSecond", result.sentRps());
            side.put("gatewayReceivedPerWallSecond", run.counters().ratePerSecond(pool));
            side.put("ttftP50Ms", result.ttftMs().p50() / scale);
            side.put("ttftP99Ms", result.ttftMs().p99() / scale);
            side.put("publishedQueueMean", run.mean(s -> s.published().get(pool)));
            side.put("engineQueueMean", run.mean(s -> s.engines().get(pool)));
        }
    }

    @Override
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("# Two model pools behind one gateway\n\n");
        md.append(Md.f("%d simulated replicas per pool (max-num-seqs %d), one gateway, time scale %s; one "
                        + "pool's capacity %.2f req/s (modelled). Pool `%s` offered %.2f req/s (%.0f%% of its "
                        + "capacity), pool `%s` %.2f req/s (%.0f%%), streamed, %s. Latencies in modelled ms.%n%n",
                options.pool().replicas(), options.pool().maxNumSeqs(), options.pool().timeScale(),
                capacity.modelledRps(), POOL_A, offeredA, 100 * options.overloadA(), POOL_B, offeredB,
                100 * options.loadB(), options.pool().workload().name()));
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("B alone", POOL_B, alone, alone.b()));
        rows.add(row("A flooded beside B", POOL_A, both, both.a()));
        rows.add(row("A flooded beside B", POOL_B, both, both.b()));
        md.append(Md.table(List.of("run", "pool", "sent", "at its replicas", "errors", "wrong pool",
                "sent req/s (wall)", "gateway's received req/s", "TTFT p50", "TTFT p99",
                "published queue (mean)", "engines' queue (mean)"), "llrrrrrrrrrr", rows));
        md.append(Md.f("- B's p99 TTFT beside a flooded A over B alone: **%.2f×** (target ≤ %.2f×: %s)%n",
                ttftP99Ratio(), TTFT_TARGET, ttftP99Ratio() <= TTFT_TARGET ? "met" : "NOT met"));
        md.append(Md.f("- every request at a replica of its own pool: %s%n", everyRequestAtItsOwnPool() ? "yes"
                : "NO"));
        md.append(Md.f("- each pool's rate from the gateway's `qgate_requests_received_total{pool}` within 5%% "
                        + "of what was sent to it: %s (A %+.1f%%, B %+.1f%%)%n", ratesWithinTolerance() ? "yes" : "NO",
                100 * rateError(both, POOL_A, both.a()), 100 * rateError(both, POOL_B, both.b())));
        return md.toString();
    }

    private List<String> row(String run, String pool, PoolsScenario.PoolsRun measured, LoadResult result) {
        double scale = options.pool().timeScale();
        return List.of(run, "`" + pool + "`", Long.toString(result.requests()),
                Long.toString(pool.equals(POOL_A) ? measured.replicaRequestsA() : measured.replicaRequestsB()),
                Long.toString(result.errorCount()), Long.toString(wrongPool(result)), Md.f("%.2f", result.sentRps()),
                Md.f("%.2f", measured.counters().ratePerSecond(pool)), Md.ms(result.ttftMs().p50() / scale),
                Md.ms(result.ttftMs().p99() / scale), Md.f("%.1f", measured.mean(s -> s.published().get(pool))),
                Md.f("%.1f", measured.mean(s -> s.engines().get(pool))));
    }
}
