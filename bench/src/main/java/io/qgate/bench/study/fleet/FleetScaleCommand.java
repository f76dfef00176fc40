package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.fleet.FleetRoutingScenario;
import io.qgate.fleet.PeerNetwork;
import io.qgate.fleet.RoutingCase;
import io.qgate.fleet.RoutingRun;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code fleet-scale} command line: fleet-routing's run at scale alone (1,000 replicas,
 * 20,000 requests/s, three gateways), one row per policy on the same seed: how well each routes,
 * and what the simulation costs in wall time.
 */
public final class FleetScaleCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar fleet-scale [options]

            The fleet-routing study's run at scale alone, in virtual time: 1,000 replicas of the
            default engine, 3 gateways scraping every 100 ms, 20,000 requests/s, each policy on the
            same arrivals; progress on stderr, a markdown table on stdout with each run's wall time
            and the CPU time of the thread that ran it (on a shared machine the wall time also
            holds what other processes took).

              --policies a,b,...  of the fleet-routing policies (default
                                  queue,queue-full-scan,queue-sampled,oracle; queue reads the load
                                  index, queue-full-scan weighs every replica in each decision,
                                  queue-sampled a random 16 of them)
              --seconds N         virtual seconds (default 60)
              --seed N            the seed of every run (default 42)
              --peers on|off      gateways share their counts as peers (default off)
            """;

    private record Plan(List<String> policies, double seconds, long seed, PeerNetwork.Settings peers) {}

    private FleetScaleCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("fleet-scale", USAGE, args, out, err, FleetScaleCommand::parse, plan -> {
            out.println("| policy | requests | answered/s | TTFT p50 ms | TTFT p99 ms | failed | wall s | CPU s | events/s |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (String policy : plan.policies()) {
                RoutingRun.Result result = FleetRoutingScenario.scaleRun(policy, plan.seconds(), plan.seed(),
                        plan.peers(), err);
                out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.0f | %.0f | %d | %.1f | %.1f | %,.0f |%n", policy,
                        result.ttft().requests(), result.ttft().answered() / plan.seconds(), result.ttft().p50Ms(),
                        result.ttft().p99Ms(), result.failed(), result.wallSeconds(), result.cpuSeconds(),
                        result.eventsPerSecond());
            }
            return 0;
        });
    }

    private static Plan parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--policies", "--seconds", "--seed", "--peers"), Set.of());
        List<String> policies = flags.words("--policies", List.of("queue", "queue-full-scan", "queue-sampled", "oracle"));
        for (String policy : policies) {
            if (!RoutingCase.POLICIES.contains(policy)) {
                throw new IllegalArgumentException("--policies: " + policy + " (expected: of " + RoutingCase.POLICIES
                        + ")");
            }
        }
        double seconds = flags.number("--seconds", 60);
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds: " + seconds + " (expected: > 0)");
        }
        return new Plan(policies, seconds, flags.wholeLong("--seed", 42),
                FleetRoutingCommand.peers(flags.text("--peers", "off")));
    }
}
