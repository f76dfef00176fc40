package io.qgate.bench.study.routing;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.peer.Balance;
import io.qgate.bench.harness.peer.NginxTier;
import io.qgate.bench.harness.peer.Peer;
import io.qgate.bench.study.suite.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code routing-sweep}: the routing comparison over loads and tier sizes, nginx included; writes {@code routing.json}. */
public final class SweepCommand {

    static final String USAGE = """
            Usage: java -jar qgate-bench.jar routing-sweep [--quick] [--out DIR] [options]

            The routing scenario's fleet (4 simulated replicas, max-num-seqs 8, time scale 0.25) and
            ShareGPT-like streaming load, at several loads and with one and with three proxy instances
            sharing the fleet: round-robin, least-inflight, queue, queue without correction, nginx
            least_conn and round-robin (one worker per instance), and queue with and without prefix
            affinity on a shared-prefix workload. Capacity is measured once. Latencies in modelled
            time. About 25 minutes by default.

              --loads F,F          fractions of capacity (default 0.5,0.7,0.85,0.95)
              --tiers N,N          instances sharing the fleet (default 1,3)
              --duration D         modelled length of each row (default 60s; quick 1500ms)
              --warmup D           modelled length of the unmeasured first run (default 20s; quick 500ms)
              --time-scale F       wall-clock seconds per modelled second (default 0.25; quick 1)
              --capacity F         the fleet's capacity in modelled req/s, instead of measuring it
              --peers P            nginx or none (default nginx when installed)
              --seed N             base seed (default 42)
              --out DIR            where routing.json goes (default bench/results/<today>)
            """;

    private SweepCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("routing-sweep", USAGE, args, out, err, SweepCommand::parse, parsed -> {
            CommandLine.quietGatewayLogs();
            RoutingSweepResult result = RoutingSweep.run(parsed.sweep(), err);
            JsonFiles.write(result, parsed.out(), RoutingSweepResult.FILE);
            out.println("report:  " + Report.render(parsed.out()));
            out.println("results: " + parsed.out().resolve(RoutingSweepResult.FILE));
            return 0;
        });
    }

    public record Parsed(RoutingSweep.Options sweep, Path out) {}

    public static Parsed parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--loads", "--tiers", "--duration", "--warmup", "--time-scale",
                "--capacity", "--peers", "--seed"), Set.of("--quick"));
        boolean quick = flags.has("--quick");
        Path out = Path.of(flags.text("--out", JsonFiles.todaysResults().toString()));
        ScenarioOptions base = (quick ? ScenarioOptions.quick(out) : ScenarioOptions.full(out).with(o -> {
            o.duration = Duration.ofSeconds(60);
            o.warmup = Duration.ofSeconds(20);
        })).with(o -> {
            o.duration = flags.duration("--duration", o.duration);
            o.warmup = flags.duration("--warmup", o.warmup);
            o.timeScale = flags.number("--time-scale", o.timeScale);
            o.fixedCapacity = flags.number("--capacity", 0);
            o.seed = flags.whole("--seed", (int) o.seed);
        });
        String peers = flags.text("--peers", Peer.NGINX.binary().isPresent() ? "nginx" : "none");
        if (!peers.equals("nginx") && !peers.equals("none")) {
            throw new IllegalArgumentException("--peers: " + peers + " (expected: nginx or none)");
        }
        List<Configuration> rows = new ArrayList<>();
        if (peers.equals("nginx")) {
            for (Balance balance : List.of(Balance.LEAST_CONNECTIONS, Balance.ROUND_ROBIN)) {
                rows.add(Configuration.peer(NginxTier.label(balance), NginxTier.label(balance),
                        NginxTier.launcher(balance)));
            }
        }
        List<Integer> tiers = flags.numbers("--tiers", List.of(1.0, 3.0)).stream().map(Double::intValue).toList();
        return new Parsed(new RoutingSweep.Options(base, flags.numbers("--loads", List.of(0.5, 0.7, 0.85, 0.95)),
                tiers, rows), out);
    }
}
