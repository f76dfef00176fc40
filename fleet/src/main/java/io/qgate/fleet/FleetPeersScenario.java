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
     * @param peers whether the gateways shared their counts
     */
    public record Row(int replicas, int gateways, Duration scrapeInterval, boolean peers, double p99Ms,
                      double oracleP99Ms, double wallSeconds) {
        public double ratio() {
            return p99Ms / oracleP99Ms;
        }
    }

    /** What to run: every combination of these, each with peers off and on over {@code network}. */
    public record Plan(List<Integer> replicas, List<Integer> gateways, List<Duration> scrapeIntervals,
                       PeerNetwork.Settings network, long seed) {
        public Plan {
            requireNonNull(network, "network");
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
                    for (boolean peers : new boolean[] {false, true}) {
                        RoutingCase routingCase = new RoutingCase(replicas, gateways, "queue", interval);
                        RoutingRun.Result result = RoutingRun.run(routingCase, model, workload, capacity,
                                FleetRoutingScenario.LOAD, warmup, measure, plan.seed(),
                                peers ? plan.network() : null);
                        Row row = new Row(replicas, gateways, interval, peers, result.ttft().p99Ms(),
                                oracle.ttft().p99Ms(), result.wallSeconds());
                        rows.add(row);
                        progress.printf(Locale.ROOT, "  %-44s TTFT p99 %10s ms  %5.2fx oracle  %6.1fs wall%n",
                                routingCase.label() + (peers ? ", peers" : ""), Format.millis(row.p99Ms()),
                                row.ratio(), row.wallSeconds());
                    }
                }
            }
        }
        return rows;
    }
}
