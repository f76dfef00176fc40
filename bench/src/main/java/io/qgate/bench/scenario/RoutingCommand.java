package io.qgate.bench.scenario;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The {@code routing} command line: runs the scenario, prints progress on stderr and the report
 * on stdout, and writes {@code results.json} and {@code report.md} into {@code --out}.
 */
public final class RoutingCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = ScenarioCli.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar routing [--quick] [--out DIR] [options]

            Routing quality: several gateways share a fleet of simulated replicas under Poisson load;
            round-robin, least-inflight and queue routing (with and without the correction, at 100 ms
            and 1 s scrape intervals), then queue routing with and without prefix affinity on a
            shared-prefix workload. Latencies and rates are reported in modelled time.

              --quick              a short smoke run of every configuration (seconds)
              --rows R             all, load-aware or prefixes (default all)
              --out DIR            where results.json and report.md go
                                   (default: bench/results/routing-<timestamp>)
              --load F             offered load as a fraction of the capacity (default 0.85)
              --capacity F         the fleet's capacity in modelled req/s, instead of measuring it
                                   (the same value gives the same arrivals in every run)
              --duration D         modelled length of each measured run (default 120s; quick 1500ms)
              --time-scale F       wall-clock seconds per modelled second (default 0.25; quick 1)
              --max-num-seqs N     batch size of each replica (default 8)
              --workload W         sharegpt, tiny or fixed:P:O (default sharegpt; quick fixed:32:8)
              --seed N             base seed (default 42)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RoutingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return ScenarioCli.run("routing", USAGE, args, out, err, RoutingCommand::parse, ScenarioOptions::out,
                RoutingScenario::run);
    }

    /** {@code --quick} picks the base settings wherever it appears; the other flags then override them. */
    static ScenarioOptions parse(String[] args) {
        Path defaultOut = Path.of("bench", "results", "routing-" + LocalDateTime.now().format(STAMP));
        boolean quick = Arrays.asList(args).contains("--quick");
        ScenarioOptions options = quick ? ScenarioOptions.quick(defaultOut) : ScenarioOptions.full(defaultOut);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            String value = args[++i];
            options = switch (flag) {
                case "--out" -> options.withOut(Path.of(value));
                case "--load" -> options.withLoad(number(flag, value));
                case "--capacity" -> options.withFixedCapacity(number(flag, value));
                case "--duration" -> options.withDuration(Units.duration(flag, value));
                case "--time-scale" -> options.withTimeScale(number(flag, value));
                case "--max-num-seqs" -> options.withMaxNumSeqs((int) whole(flag, value));
                case "--workload" -> options.withWorkload(Workload.parse(value));
                case "--seed" -> options.withSeed(whole(flag, value));
                case "--rows" -> options.withRows(value);
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            };
        }
        return options;
    }

    private static double number(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a number)");
        }
    }

    private static long whole(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a whole number)");
        }
    }
}
