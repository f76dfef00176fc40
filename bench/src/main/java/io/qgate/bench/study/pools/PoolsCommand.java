package io.qgate.bench.study.pools;

import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.bench.study.routing.ScenarioOptions;
import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The {@code pools} command line: two model pools behind one gateway, one flooded, one lightly
 * loaded; progress on stderr, the report on stdout and in {@code --out}.
 */
public final class PoolsCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar pools [--quick] [--out DIR] [options]

            Two model pools behind one gateway, each of its own simulated replicas serving its own
            model. Measures one pool's capacity, warms up, then runs pool B alone at a fraction of
            it, then pool A flooded beside B: B's time to first token, whether every request reached
            its own pool, and each pool's request rate and queue as the gateway publishes them.

              --quick              a short smoke run (seconds)
              --out DIR            where results.json and report.md go
                                   (default: bench/results/pools-<timestamp>)
              --overload F         pool A's offered load, a multiple of its capacity (default 2)
              --light F            pool B's offered load, a fraction of its capacity (default 0.333)
              --replicas N         replicas per pool (default 2)
              --capacity F         one pool's capacity in modelled req/s, instead of measuring it
                                   (default: measured; quick 20)
              --duration D         modelled length of each measured run (default 300s; quick 2s)
              --time-scale F       wall-clock seconds per modelled second (default 0.25; quick 1)
              --max-num-seqs N     batch size of each replica (default 8)
              --workload W         sharegpt, tiny or fixed:P:O (default sharegpt; quick fixed:32:8)
              --seed N             base seed (default 42)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private PoolsCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("pools", USAGE, args, out, err, PoolsCommand::parse, PoolsOptions::out,
                PoolsScenario::run);
    }

    static PoolsOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--overload", "--light", "--replicas", "--duration",
                "--time-scale", "--max-num-seqs", "--workload", "--seed", "--capacity"), Set.of("--quick"));
        Path out = Path.of(flags.text("--out", Path.of("bench", "results", "pools-"
                + LocalDateTime.now().format(STAMP)).toString()));
        ScenarioOptions base = flags.on("--quick") ? ScenarioOptions.quick(out).with(o -> {
            o.duration = Duration.ofSeconds(2);
            o.warmup = Duration.ZERO;
            o.fixedCapacity = 20;
        }) : ScenarioOptions.full(out).with(o -> o.duration = Duration.ofSeconds(300));
        ScenarioOptions pool = base.with(o -> {
            o.replicas = flags.whole("--replicas", 2);
            o.duration = flags.duration("--duration", o.duration);
            o.timeScale = flags.number("--time-scale", o.timeScale);
            o.maxNumSeqs = flags.whole("--max-num-seqs", o.maxNumSeqs);
            flags.ifGiven("--workload", v -> o.workload = Workload.parse(v));
            o.seed = flags.wholeLong("--seed", o.seed);
            o.fixedCapacity = flags.number("--capacity", o.fixedCapacity);
        });
        return new PoolsOptions(pool, flags.number("--overload", 2.0), flags.number("--light", 1.0 / 3), out);
    }
}
