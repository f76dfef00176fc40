package io.qgate.bench.study.suite;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.study.connections.ConnectionsBenchmark;
import io.qgate.bench.study.connections.ConnectionsOptions;
import io.qgate.bench.study.connections.ConnectionsResult;
import io.qgate.bench.study.proxies.ProxiesOptions;
import io.qgate.bench.study.proxies.ProxiesResult;
import io.qgate.bench.study.proxies.ProxyBenchmark;
import io.qgate.bench.study.routing.RoutingSweep;
import io.qgate.bench.study.routing.RoutingSweepResult;
import io.qgate.bench.study.routing.SweepCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code suite}: every benchmark of the suite, one after the other, into one results directory,
 * then the report. Before each, it can wait for the machine to be quiet, since a busy machine
 * makes every figure worse.
 */
public final class SuiteCommand {

    static final List<String> BENCHMARKS = List.of("proxies", "routing-sweep", "connections");

    static final String USAGE = """
            Usage: java -jar qgate-bench.jar suite [--quick] [--out DIR] [options]

            Runs proxies, routing-sweep and connections in turn (about 45 minutes; --quick: about 3),
            writing proxies.json, routing.json and connections.json into DIR, then DIR/report.md with
            its charts. Progress goes to err. Each benchmark's own options are its defaults.

              --only B,B           run only these of proxies, routing-sweep, connections
              --max-load F         before each benchmark, wait until the 1-minute load average is below F
                                   (default: do not wait)
              --wait D             wait at most this long for it, then run anyway (default 30m)
              --out DIR            the results directory (default bench/results/<today>)
            """;

    private SuiteCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    record Options(Path out, boolean quick, List<String> only, double maxLoad, Duration maxWait) {}

    static Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--only", "--max-load", "--wait"), Set.of("--quick"));
        List<String> only = flags.words("--only", BENCHMARKS);
        for (String name : only) {
            if (!BENCHMARKS.contains(name)) {
                throw new IllegalArgumentException("--only: " + name + " (expected: some of " + BENCHMARKS + ")");
            }
        }
        return new Options(Path.of(flags.text("--out", JsonFiles.todaysResults().toString())), flags.has("--quick"), only,
                flags.number("--max-load", 0), flags.duration("--wait", Duration.ofMinutes(30)));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("suite", USAGE, args, out, err, SuiteCommand::parse, options -> {
            CommandLine.quietGatewayLogs();
            List<String> common = new ArrayList<>(List.of("--out", options.out().toString()));
            List<String> proxies = new ArrayList<>(common);
            if (options.maxLoad() > 0) {
                // Between its two modes too: the first mode's own processes keep the average up for minutes.
                proxies.addAll(List.of("--max-load", Double.toString(options.maxLoad())));
            }
            if (options.quick()) {
                common.add("--quick");
                proxies.add("--quick");
            }
            String[] shared = common.toArray(String[]::new);
            int step = 0;
            long start = System.nanoTime();
            for (String name : options.only()) {
                step++;
                ProcStat.awaitQuiet(options.maxLoad(), options.maxWait(), err);
                err.printf(Locale.ROOT, "== suite %d/%d: %s (load average %.2f, %.0f s so far)%n", step,
                        options.only().size(), name, ProcStat.loadAverage(), (System.nanoTime() - start) / 1e9);
                switch (name) {
                    case "proxies" -> JsonFiles.write(ProxyBenchmark.run(ProxiesOptions.parse(proxies.toArray(
                            String[]::new), options.out()), err), options.out(), ProxiesResult.FILE);
                    case "routing-sweep" -> JsonFiles.write(RoutingSweep.run(SweepCommand.parse(shared).sweep(),
                            err), options.out(), RoutingSweepResult.FILE);
                    default -> JsonFiles.write(ConnectionsBenchmark.run(ConnectionsOptions.parse(shared,
                            options.out()), err), options.out(), ConnectionsResult.FILE);
                }
                Report.render(options.out()); // a report after each step: an interrupted suite still leaves one
            }
            out.println("report: " + options.out().resolve(Report.FILE));
            return 0;
        });
    }
}
