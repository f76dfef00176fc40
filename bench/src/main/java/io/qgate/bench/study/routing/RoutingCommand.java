package io.qgate.bench.study.routing;

import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The {@code routing} command line: runs the scenario, prints progress on stderr and the report
 * on stdout, and writes {@code results.json} and {@code report.md} into {@code --out}.
 */
public final class RoutingCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = StudyCli.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar routing [--quick] [--out DIR] [options]

            Routing quality: several gateways share a fleet of simulated replicas under Poisson load;
            round-robin, least-inflight and queue routing (with and without the correction, at 100 ms
            and 1 s scrape intervals), then queue routing with and without prefix affinity on a
            shared-prefix workload. Latencies and rates are reported in modelled time.

              --quick              a short smoke run of every configuration (seconds)
              --rows R             all, load-aware, prefixes, or policies: each of --policies
                                   on --workload (default all)
              --policies a,b,...   strategies of the policies rows
                                   (default queue,llmd-default,work,predicted)
              --out DIR            where results.json and report.md go
                                   (default: bench/results/routing-<timestamp>)
              --load F             offered load as a fraction of the capacity (default 0.85)
              --capacity F         the fleet's capacity in modelled req/s, instead of measuring it
                                   (the same value gives the same arrivals in every run)
              --duration D         modelled length of each measured run (default 120s; quick 1500ms)
              --time-scale F       wall-clock seconds per modelled second (default 0.25; quick 1)
              --max-num-seqs N     batch size of each replica (default 8)
              --workload W         sharegpt, prefix-heavy, long-tail, mixed, tiny or fixed:P:O
                                   (default sharegpt; quick fixed:32:8)
              --prefix-cache-blocks N  each replica's prefix cache, 16-token blocks (default 1024)
              --seed N             base seed (default 42)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RoutingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("routing", USAGE, args, out, err, RoutingCommand::parse, ScenarioOptions::out,
                RoutingScenario::run);
    }

    /** {@code --quick} picks the base settings wherever it appears; the other flags then override them. */
    static ScenarioOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--load", "--capacity", "--duration", "--time-scale",
                "--max-num-seqs", "--workload", "--seed", "--rows", "--policies", "--prefix-cache-blocks"),
                Set.of("--quick"));
        Path defaultOut = Path.of("bench", "results", "routing-" + LocalDateTime.now().format(STAMP));
        ScenarioOptions base = flags.on("--quick") ? ScenarioOptions.quick(defaultOut) : ScenarioOptions.full(defaultOut);
        return base.with(o -> {
            o.out = Path.of(flags.text("--out", o.out.toString()));
            o.load = flags.number("--load", o.load);
            o.fixedCapacity = flags.number("--capacity", o.fixedCapacity);
            o.duration = flags.duration("--duration", o.duration);
            o.timeScale = flags.number("--time-scale", o.timeScale);
            o.maxNumSeqs = flags.whole("--max-num-seqs", o.maxNumSeqs);
            flags.ifGiven("--workload", v -> o.workload = Workload.named(v));
            o.seed = flags.wholeLong("--seed", o.seed);
            o.rows = flags.text("--rows", o.rows);
            o.policies = flags.words("--policies", o.policies);
            o.prefixCacheBlocks = flags.whole("--prefix-cache-blocks", o.prefixCacheBlocks);
        });
    }
}
