package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.fleet.FleetPeersScenario;
import io.qgate.fleet.PeerNetwork;
import io.qgate.fleet.RoutingCase;
import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code fleet-peers} command line: queue routing behind several gateways with and without
 * peers, against the oracle, in virtual time; progress on stderr, a markdown table on stdout.
 */
public final class FleetPeersCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar fleet-peers [options]

            Gateways that route as one, in virtual time: queue routing behind several gateways
            (the production router and the production peer exchange on the simulation's clock),
            each configuration with peers off and on (counts every 10 ms, 1 ms on the wire, 1% of
            datagrams lost), against the oracle join-shortest-queue on the same fleet and arrivals.
            Replicas with max-num-seqs 8, ShareGPT lengths, Poisson load at 85% of the fleet's
            capacity, as fleet-routing runs them.

              --policies LIST          queue, work and their variants, e.g. queue,queue-full-scan
                                       (queue weighing every replica in each decision instead of
                                       reading the load index), queue-sampled (a random 16
                                       replicas, not all), work-full-scan, queue-no-spread and
                                       work-no-spread (every gateway takes the replica it sees as
                                       best, without the herd spread); default queue
              --replicas LIST          fleet sizes (default 4,16,64,256)
              --gateways LIST          gateway counts (default 3)
              --scrape-intervals LIST  engine scrape intervals (default 100ms,1s)
              --peer-interval D        how often gateways send their counts (default 10ms)
              --peer-delay D           a datagram's time on the wire (default 1ms)
              --peer-loss X            the share of datagrams lost (default 0.01)
              --seed N                 the seed of every run (default 42)
              --peers off|on|both      which rows to run (default both)
            """;

    private FleetPeersCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("fleet-peers", USAGE, args, out, err, FleetPeersCommand::parse, plan -> {
            List<FleetPeersScenario.Row> rows = FleetPeersScenario.run(plan, err);
            out.println("| policy | replicas | gateways | scrape | peers | TTFT p99 ms | oracle p99 ms | ratio "
                    + "| answered/s | wall s |");
            out.println("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
            for (FleetPeersScenario.Row row : rows) {
                out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %.0f | %.0f | %.2f | %,.1f | %.1f |%n", row.policy(),
                        row.replicas(), row.gateways(), Units.format(row.scrapeInterval()), row.peers() ? "on" : "off",
                        row.p99Ms(), row.oracleP99Ms(), row.ratio(), row.answeredPerSecond(), row.wallSeconds());
            }
            return 0;
        });
    }

    private static FleetPeersScenario.Plan parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--policies", "--replicas", "--gateways", "--scrape-intervals", "--peer-interval",
                "--peer-delay", "--peer-loss", "--seed", "--peers"), Set.of());
        List<Integer> replicas = wholes(flags, "--replicas", List.of("4", "16", "64", "256"));
        List<Integer> gateways = wholes(flags, "--gateways", List.of("3"));
        List<Duration> intervals = flags.words("--scrape-intervals", List.of("100ms", "1s")).stream()
                .map(text -> Units.duration("--scrape-intervals", text)).toList();
        PeerNetwork.Settings modelled = PeerNetwork.Settings.MODELLED;
        PeerNetwork.Settings network = new PeerNetwork.Settings(flags.duration("--peer-interval", modelled.interval()),
                flags.duration("--peer-delay", modelled.delay()), flags.number("--peer-loss", modelled.loss()));
        List<String> policies = flags.words("--policies", List.of("queue"));
        for (String policy : policies) {
            if (!RoutingCase.POLICIES.contains(policy) || !(policy.startsWith("queue") || policy.startsWith("work"))) {
                throw new IllegalArgumentException("--policies: " + policy
                        + " (expected: queue, queue-uncorrected, queue-sampled, queue-full-scan, queue-no-spread, work,"
                        + " work-full-scan or work-no-spread)");
            }
        }
        List<Boolean> peers = switch (flags.text("--peers", "both")) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--peers: " + flags.text("--peers", "both")
                    + " (expected: off, on or both)");
        };
        return new FleetPeersScenario.Plan(policies, replicas, gateways, intervals, network, flags.wholeLong("--seed", 42),
                peers);
    }

    private static List<Integer> wholes(Flags flags, String name, List<String> fallback) {
        List<Integer> values = flags.words(name, fallback).stream().map(text -> Flags.whole(name, text)).toList();
        for (int value : values) {
            if (value < 1) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
        }
        return values;
    }
}
