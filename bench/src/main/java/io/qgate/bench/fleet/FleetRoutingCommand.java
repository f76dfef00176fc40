package io.qgate.bench.fleet;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code fleet-routing} command line: runs the study, progress on stderr, the report on
 * stdout, and {@code fleet-routing.md}, {@code fleet-routing.json} and the plots into {@code --out}.
 */
public final class FleetRoutingCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = 2;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar fleet-routing [--quick] [--out DIR] [--seed N]

            Routing at fleet scale, in virtual time: qgate's policies (queue, queue without the
            correction, least-inflight, round-robin, random; the production router with a virtual
            clock) with 1 and 3 gateways against an oracle join-shortest-queue that sees every engine
            as it is, on 4 to 1,000 replicas and with scrape intervals from 50 ms to 5 s; the live
            routing bench replayed as a check; and one run of 1,000 replicas at 20,000 requests/s.

              --quick     4 and 16 replicas, 100 ms and 1 s scrapes, short runs (seconds)
              --seed N    the seed of every run (default 42)
              --out DIR   where fleet-routing.md, fleet-routing.json and the plots go
                          (default: bench/results/fleet-routing-<timestamp>)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private FleetRoutingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        if (list.contains("--help") || list.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        boolean quick = false;
        long seed = 42;
        Path dir = Path.of("bench", "results", "fleet-routing-" + LocalDateTime.now().format(STAMP));
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (name.equals("--quick")) {
                    quick = true;
                    continue;
                }
                if (!name.equals("--seed") && !name.equals("--out")) {
                    throw new IllegalArgumentException("unknown option " + name);
                }
                String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
                        : i + 1 < args.length ? args[++i] : null;
                if (value == null) {
                    throw new IllegalArgumentException(name + ": no value");
                }
                if (name.equals("--seed")) {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed: " + value + " (expected: a whole number)");
                    }
                } else {
                    dir = Path.of(value);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("fleet-routing: " + e.getMessage() + " (see --help)");
            return USAGE_STATUS;
        }
        FleetRoutingScenario.Report report = FleetRoutingScenario.run(quick, seed, err);
        List<Path> plots = FleetRoutingReport.write(report, dir);
        out.print(FleetRoutingReport.markdown(report, plots));
        out.println();
        out.println("results: " + dir.resolve(FleetRoutingReport.JSON_FILE));
        out.println("report:  " + dir.resolve(FleetRoutingReport.MARKDOWN_FILE));
        return 0;
    }
}
