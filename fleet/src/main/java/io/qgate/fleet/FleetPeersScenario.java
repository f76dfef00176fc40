package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gateways that route as one: queue routing behind several gateways, with and without peers
 * sharing their counts over a modelled network (by default {@link PeerNetwork.Settings#MODELLED}), against
 * the oracle on the same fleet, arrivals and seed. The fleet, load and run lengths are
 * {@link FleetRoutingScenario}'s.
 */
public final class FleetPeersScenario {

    /**
     * One configuration's result beside the oracle's on the same fleet.
     *
     * @param policy {@code queue}, or a variant of it ({@link RoutingCase#POLICIES})
     * @param peers  whether the gateways shared their counts
     * @param answeredPerSecond requests answered per measured second: the throughput
     */
    public record Row(String policy, int replicas, int gateways, Duration scrapeInterval, boolean peers,
                      double p99Ms, double oracleP99Ms, double answeredPerSecond, double wallSeconds) {
        public double ratio() {
            return p99Ms / oracleP99Ms;
        }
    }

    /**
     * What to run: every combination of these, each with peers off, on over {@code network}, or both.
     *
     * @param policies {@code queue} and its variants, such as {@code queue-sampled}
     * @param peers    the peer settings to run: {@code false} (off), {@code true} (on), or both
     */
    public record Plan(List<String> policies, List<Integer> replicas, List<Integer> gateways,
                       List<Duration> scrapeIntervals, PeerNetwork.Settings network, long seed, List<Boolean> peers) {
        public Plan {
            requireNonNull(network, "network");
            peers = List.copyOf(peers);
            policies = List.copyOf(policies);
            replicas = List.copyOf(replicas);
            gateways = List.copyOf(gateways);
            scrapeIntervals = List.copyOf(scrapeIntervals);
        }
    }

    private FleetPeersScenario() {}

    public static List<Row> run(Plan plan, PrintStream progress) {
        requireNonNull(plan, "plan");
        EngineModel model = EngineModel.defaults().withMaxNumSeqs(FleetRoutingScenario.MAX_NUM_SEQS);
        Workload workload = Workload.sharegpt();
        double capacity = EngineCapacity.requestsPerSecond(model, workload, plan.seed(), 3600);
        double warmup = 60;
        List<Row> rows = new ArrayList<>();
        for (int replicas : plan.replicas()) {
            double rate = capacity * replicas * FleetRoutingScenario.LOAD;
            double measure = Math.max(120, FleetRoutingScenario.MEASURED_REQUESTS / rate);
            RoutingRun.Result oracle = RoutingRun.run(new RoutingCase(replicas, 1, "oracle", null), model, workload,
                    capacity, FleetRoutingScenario.LOAD, warmup, measure, plan.seed());
            progress.printf(Locale.ROOT, "  %-44s TTFT p99 %10s ms  %6.1fs wall%n", oracle.routingCase().label(),
                    Format.millis(oracle.ttft().p99Ms()), oracle.wallSeconds());
            for (int gateways : plan.gateways()) {
                for (Duration interval : plan.scrapeIntervals()) {
                    for (boolean peers : plan.peers()) {
                        for (String policy : plan.policies()) {
                            RoutingCase routingCase = new RoutingCase(replicas, gateways, policy, interval);
                            RoutingRun.Result result = RoutingRun.run(routingCase, model, workload, capacity,
                                    FleetRoutingScenario.LOAD, warmup, measure, plan.seed(),
                                    peers ? plan.network() : null);
                            Row row = new Row(policy, replicas, gateways, interval, peers, result.ttft().p99Ms(),
                                    oracle.ttft().p99Ms(), result.ttft().answered() / measure, result.wallSeconds());
                            rows.add(row);
                            progress.printf(Locale.ROOT, "  %-44s TTFT p99 %10s ms  %5.2fx oracle  %6.1fs wall%n",
                                    routingCase.label() + (peers ? ", peers" : ""), Format.millis(row.p99Ms()),
                                    row.ratio(), row.wallSeconds());
                        }
                    }
                }
            }
        }
        return rows;
    }
}
