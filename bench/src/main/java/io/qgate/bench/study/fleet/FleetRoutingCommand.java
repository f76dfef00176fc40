package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.EngineModel;
import io.qgate.fleet.FleetRoutingScenario;
import io.qgate.fleet.RoutingComparison;
import io.qgate.fleet.workload.Workload;
import java.time.Duration;
import java.util.HashSet;
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

    /**
     * The command's choices: the fleet-scale study (with peers, or not), or ({@code compare} not
     * null) one workload's comparison.
     */
    private record Options(boolean quick, long seed, Path out, RoutingComparison.Options compare, String command,
                           PeerNetwork.Settings peers) {}

    /** Flags that ask for one workload's comparison instead of the fleet-scale study. */
    private static final Set<String> COMPARE_FLAGS = Set.of("--workload", "--policies", "--replicas", "--gateways",
            "--scrape-interval", "--duration", "--max-num-seqs");
    private static final List<String> DEFAULT_POLICIES = List.of("oracle", "round-robin", "queue", "llmd-queue-kv",
            "llmd-default", "work");

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

            One workload's comparison instead (any of these flags): each policy at offered loads
            rising by steps until its TTFT p99 breaks 2 s; DIR/results.json (a top-level "rows"
            array, one object per policy and load) and DIR/report.md.

              --workload NAME        sharegpt (default), prefix-heavy, long-tail or mixed
              --policies a,b,...     of oracle, queue, queue-uncorrected, work, llmd-default,
                                     llmd-queue-kv (the llm-d ones reimplemented as baselines),
                                     least-inflight, round-robin, random, predicted, or the
                                     bound partition (each tenant's context on one home,
                                     dealt out evenly)
                                     (default: oracle,round-robin,queue,llmd-queue-kv,llmd-default,work)
              --replicas N           replicas, the simulator's default engine (default 8)
              --gateways N           gateways; the oracle and partition count as one (default 1)
              --scrape-interval D    how often each gateway scrapes each engine (default 100ms)
              --duration D           measured time per step; a quarter of it runs first (default 120s)
              --max-num-seqs N       sequences each engine runs at once (default 256, the simulator's)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private FleetRoutingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("fleet-routing", USAGE, args, out, err, FleetRoutingCommand::parse,
                (options, progress) -> {
                    if (options.compare() != null) {
                        CommandLine.quietGatewayLogs();
                        return new FleetCompareReport(RoutingComparison.run(options.compare(), progress),
                                options.command()).write(options.out());
                    }
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
        Set<String> valued = new HashSet<>(COMPARE_FLAGS);
        valued.addAll(Set.of("--seed", "--out", "--peers"));
        Flags flags = Flags.parse(args, valued, Set.of("--quick"));
        Path defaultOut = Path.of("bench", "results", "fleet-routing-" + LocalDateTime.now().format(STAMP));
        long seed = flags.wholeLong("--seed", 42);
        RoutingComparison.Options compare = null;
        if (COMPARE_FLAGS.stream().anyMatch(flags::has)) {
            compare = new RoutingComparison.Options(flags.text("--workload", "sharegpt"),
                    flags.words("--policies", DEFAULT_POLICIES), flags.whole("--replicas", 8),
                    flags.whole("--gateways", 1), flags.duration("--scrape-interval", Duration.ofMillis(100)),
                    flags.duration("--duration", Duration.ofSeconds(120)).toMillis() / 1000.0, seed, OBJECTIVE_MS,
                    flags.whole("--max-num-seqs", EngineModel.defaults().maxNumSeqs()));
            Workload.named(compare.workload());
        }
        return new Options(flags.on("--quick"), seed, Path.of(flags.text("--out", defaultOut.toString())), compare,
                "java -jar bench/target/qgate-bench.jar fleet-routing " + String.join(" ", args),
                peers(flags.text("--peers", "off")));
    }

    /** {@code --peers on|off}: the modelled peer network, or none (the fleet-scale study only). */
    static PeerNetwork.Settings peers(String value) {
        return switch (value) {
            case "on" -> PeerNetwork.Settings.MODELLED;
            case "off" -> null;
            default -> throw new IllegalArgumentException("--peers: " + value + " (expected: on or off)");
        };
    }

    /** The TTFT p99 objective of the comparison. */
    static final double OBJECTIVE_MS = 2000;
}
