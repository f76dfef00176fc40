package io.qgate.bench;

import io.qgate.bench.harness.stub.StubCommand;
import io.qgate.bench.load.LoadCommand;
import io.qgate.bench.sim.SimCommand;
import io.qgate.bench.study.batching.BatchingCommand;
import io.qgate.bench.study.connections.ConnectionsCommand;
import io.qgate.bench.study.flood.FloodClients;
import io.qgate.bench.study.flood.FloodCommand;
import io.qgate.bench.study.fleet.AutoscaleCommand;
import io.qgate.bench.study.fleet.AutoscaleZeroCommand;
import io.qgate.bench.study.fleet.FleetLoraCommand;
import io.qgate.bench.study.fleet.FleetPeersCommand;
import io.qgate.bench.study.fleet.FleetScaleCommand;
import io.qgate.bench.study.routing.PeersCommand;
import io.qgate.bench.study.fleet.FleetRoutingCommand;
import io.qgate.bench.study.proxies.ProxiesCommand;
import io.qgate.bench.study.pools.PoolsCommand;
import io.qgate.bench.study.queueing.QueueingCommand;
import io.qgate.bench.study.routing.RoutingCommand;
import io.qgate.bench.study.routing.SweepCommand;
import io.qgate.bench.study.soak.SoakCommand;
import io.qgate.bench.study.suite.ReportCommand;
import io.qgate.bench.study.suite.SuiteCommand;
import io.qgate.bench.study.zero.ScaleFromZeroCommand;
import java.util.Arrays;

/**
 * {@code java -jar qgate-bench.jar <command> [options]}: the tools (the demo, the simulator, the
 * load generator, the stub, the report) and the studies, each by its name.
 */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar <command> [options]

            Commands:
              demo   three simulated replicas and the gateway on localhost:8080 (admin 9090)
              sim    one simulated LiteLLM + vLLM replica
              load   the load generator (open or closed loop, results as JSON)
              routing  routing strategies compared: 3 gateways sharing 4 simulated replicas
              batching  micro-batching off and on: embeddings through single-threaded LiteLLM replicas
              soak   10 minutes at 70% of the maximum with replica kills and client aborts
              autoscale  HPA scaling signals and targets compared, in virtual time
              autoscale-zero  scaling a pool to zero at night (KEDA) against one replica always up, in virtual time
              fleet-routing  routing policies against an oracle on 4 to 1,000 replicas, in virtual time
              fleet-lora  LoRA-aware routing against queue routing alone, in virtual time
              scale-from-zero  live: a pool at zero wakes for held requests (a stand-in autoscaler) and sleeps again
              pools    two model pools behind one gateway, one flooded: isolation and per-pool signals
              queueing  the queue held at the gateway against the engines': tenants, priority, late binding
              fleet-peers  gateways with and without peers against the oracle, in virtual time
              fleet-scale  1,000 replicas at 20,000 requests/s, each policy's routing and wall time
              routing-peers  3 gateways sharing 4 simulated replicas with and without peers, live
              jmh    JMH micro-benchmarks, e.g. 'jmh PickBenchmark' (JMH's own options follow)
              proxies  proxy overhead: a replica stub direct, through qgate, nginx and HAProxy
              routing-sweep  routing strategies and nginx at 50-95% load, 1 and 3 instances
              connections  8,000 concurrent streams through one gateway: heap, RSS, errors
              flood  8,000 idle and 2,000 slow-head connections against one gateway; real clients' p99, 408s
              suite  proxies, routing-sweep and connections in turn, then the report
              report DIR  report.md and PNG charts from the benchmarks' JSON results in DIR
              stub   a replica stub with fixed answers (for the proxy benchmarks)

            Each command takes --help.
            """;

    private Main() {}

    private static int runJmh(String[] args) {
        try {
            org.openjdk.jmh.Main.main(args);
            return 0;
        } catch (Exception e) {
            System.err.println("jmh: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int status = switch (args[0]) {
            case "demo" -> DemoCommand.run(rest);
            case "sim" -> SimCommand.run(rest);
            case "load" -> LoadCommand.run(rest);
            case "routing" -> RoutingCommand.run(rest);
            case "batching" -> BatchingCommand.run(rest);
            case "soak" -> SoakCommand.run(rest);
            case "autoscale" -> AutoscaleCommand.run(rest);
            case "autoscale-zero" -> AutoscaleZeroCommand.run(rest);
            case "fleet-routing" -> FleetRoutingCommand.run(rest);
            case "fleet-lora" -> FleetLoraCommand.run(rest);
            case "pools" -> PoolsCommand.run(rest);
            case "queueing" -> QueueingCommand.run(rest);
            case "scale-from-zero" -> ScaleFromZeroCommand.run(rest);
            case "fleet-peers" -> FleetPeersCommand.run(rest);
            case "fleet-scale" -> FleetScaleCommand.run(rest);
            case "routing-peers" -> PeersCommand.run(rest);
            case "jmh" -> runJmh(rest);
            case "proxies" -> ProxiesCommand.run(rest);
            case "routing-sweep" -> SweepCommand.run(rest);
            case "connections" -> ConnectionsCommand.run(rest);
            case "flood" -> FloodCommand.run(rest);
            case "flood-clients" -> FloodClients.run(rest);
            case "suite" -> SuiteCommand.run(rest);
            case "report" -> ReportCommand.run(rest);
            case "stub" -> StubCommand.run(rest);
            default -> {
                System.err.print("qgate-bench: unknown command '" + args[0] + "'\n\n" + USAGE);
                yield 2;
            }
        };
        if (status != 0) {
            System.exit(status);
        }
    }
}
