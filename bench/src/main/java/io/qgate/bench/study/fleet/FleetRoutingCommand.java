package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.FleetRoutingScenario;
import io.qgate.fleet.PeerNetwork;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * The {@code fleet-routing} command line: runs the study, progress on stderr, the report on
 * stdout, and {@code fleet-routing.md}, {@code fleet-routing.json} and the plots into {@code --out}.
 */
public final class FleetRoutingCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    /** The command's choices. */
    private record Options(boolean quick, long seed, Path out, PeerNetwork.Settings peers) {}

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar fleet-routing [--quick] [--out DIR] [--seed N] [--peers on|off]

            Routing at fleet scale, in virtual time: qgate's policies (queue, queue without the
            correction, least-inflight, round-robin, random; the production router with a virtual
            clock) with 1 and 3 gateways against an oracle join-shortest-queue that sees every engine
            as it is, on 4 to 1,000 replicas and with scrape intervals from 50 ms to 5 s; the live
            routing bench replayed as a check; and one run of 1,000 replicas at 20,000 requests/s.

              --quick     4 and 16 replicas, 100 ms and 1 s scrapes, short runs (seconds)
              --seed N    the seed of every run (default 42)
              --peers on  gateways share their counts as peers (every 10 ms, 1 ms on the wire,
                          1% of datagrams lost); default off
              --out DIR   where fleet-routing.md, fleet-routing.json and the plots go
                          (default: bench/results/fleet-routing-<timestamp>)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private FleetRoutingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("fleet-routing", USAGE, args, out, err, FleetRoutingCommand::parse,
                (options, progress) -> {
                    FleetRoutingScenario.Report report = FleetRoutingScenario.run(options.quick(), options.seed(),
                            options.peers(), progress);
                    List<Path> plots = FleetRoutingReport.write(report, options.out());
                    String peers = options.peers() == null ? ""
                            : "Gateways share their counts as peers (every 10 ms, 1 ms on the wire, 1% lost).\n\n";
                    return new StudyCli.Written(peers + FleetRoutingReport.markdown(report, plots),
                            options.out().resolve(FleetRoutingReport.JSON_FILE),
                            options.out().resolve(FleetRoutingReport.MARKDOWN_FILE));
                });
    }

    private static Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--seed", "--out", "--peers"), Set.of("--quick"));
        Path defaultOut = Path.of("bench", "results", "fleet-routing-" + LocalDateTime.now().format(STAMP));
        return new Options(flags.on("--quick"), flags.wholeLong("--seed", 42),
                Path.of(flags.text("--out", defaultOut.toString())), peers(flags.text("--peers", "off")));
    }

    /** {@code --peers on|off}: the modelled peer network, or none. */
    private static PeerNetwork.Settings peers(String value) {
        return switch (value) {
            case "on" -> PeerNetwork.Settings.MODELLED;
            case "off" -> null;
            default -> throw new IllegalArgumentException("--peers: " + value + " (expected: on or off)");
        };
    }
}
