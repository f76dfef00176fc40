package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routing in virtual time, through the production router: behaviour, never wall-clock timings. */
class RoutingRunTest {

    /** The live routing bench's replicas: a queue forms at a few requests per second. */
    private static final EngineModel SMALL = EngineModel.defaults().withMaxNumSeqs(8);
    private static final double CAPACITY = EngineCapacity.requestsPerSecond(SMALL, Workload.sharegpt(), 1, 1200);

    @Test
    void theOracleBeatsRoundRobinOnALoadedSmallFleet() {
        RoutingRun.Result oracle = run(new RoutingCase(4, 1, "oracle", null));
        RoutingRun.Result roundRobin = run(new RoutingCase(4, 1, "round-robin", null));

        assertThat(oracle.ttft().requests()).isEqualTo(roundRobin.ttft().requests()).isGreaterThan(2000);
        // Round-robin ignores queues: at 85% load its p99 is several times the oracle's. Generous margins.
        assertThat(oracle.ttft().p99Ms()).isLessThan(roundRobin.ttft().p99Ms());
        assertThat(oracle.ttft().meanMs()).isLessThan(roundRobin.ttft().meanMs());
    }

    @Test
    void queueRoutingWithFreshScrapesComesCloseToTheOracle() {
        RoutingRun.Result oracle = run(new RoutingCase(16, 1, "oracle", null));
        RoutingRun.Result queue = run(new RoutingCase(16, 1, "queue", Duration.ofMillis(100)));
        RoutingRun.Result random = run(new RoutingCase(16, 1, "random", null));

        assertThat(queue.ttft().p99Ms()).isLessThan(2 * oracle.ttft().p99Ms());
        assertThat(queue.ttft().p99Ms()).isLessThan(random.ttft().p99Ms());
        assertThat(queue.failed()).isZero();
    }

    @Test
    void thePartitionBoundKeepsEachTenantOnOneHomeAndDealsTheTenantsOutEvenly() {
        Simulation sim = new Simulation();
        FleetSim fleetSim = new FleetSim(sim, EngineModel.defaults(), new Fleet.Settings(0, 0, 0), new TtftLog(0, 1), 42);
        fleetSim.fleet().startReady(4);
        fleetSim.routeAs(new RoutingCase(4, 1, "partition", null));
        Map<Integer, Set<Replica>> homes = new HashMap<>();
        Map<Replica, Integer> tenantsPerReplica = new HashMap<>();

        for (int id = 0; id < 120; id++) {
            Request request = new Request(id, 0, 6_100, 10);
            request.prefixId = id % 10;
            Replica home = fleetSim.routing().route(request);
            if (homes.computeIfAbsent(request.prefixId, k -> new HashSet<>()).add(home)) {
                tenantsPerReplica.merge(home, 1, Integer::sum);
            }
        }

        assertThat(homes.values()).allSatisfy(replicas -> assertThat(replicas).hasSize(1));
        // Ten tenants on four replicas: two or three each.
        assertThat(tenantsPerReplica.values()).hasSize(4).allSatisfy(n -> assertThat(n).isBetween(2, 3));
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        RoutingCase routingCase = new RoutingCase(8, 3, "queue", Duration.ofMillis(250));
        RoutingRun.Result first = run(routingCase);
        RoutingRun.Result second = run(routingCase);

        assertThat(second.ttft()).isEqualTo(first.ttft());
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(run(routingCase, 8).ttft()).isNotEqualTo(first.ttft());
    }

    @Test
    void gatewaysThatShareTheirCountsRouteAlmostAsOne() {
        // Three gateways scraping every second each see a third of the traffic between scrapes;
        // with peers (10 ms, 1 ms on the wire, 1% lost) each sees it all, a few milliseconds late.
        RoutingCase threeGateways = new RoutingCase(16, 3, "queue", Duration.ofSeconds(1));
        RoutingRun.Result alone = run(threeGateways);
        RoutingRun.Result peers = RoutingRun.run(threeGateways, SMALL, Workload.sharegpt(), CAPACITY, 0.85, 60, 300,
                7, PeerNetwork.Settings.MODELLED);
        RoutingRun.Result oracle = run(new RoutingCase(16, 1, "oracle", null));

        assertThat(peers.ttft().requests()).isEqualTo(alone.ttft().requests());
        assertThat(peers.ttft().p99Ms()).isLessThan(alone.ttft().p99Ms() / 2);
        assertThat(peers.ttft().p99Ms()).isLessThan(2 * oracle.ttft().p99Ms());
        assertThat(RoutingRun.run(threeGateways, SMALL, Workload.sharegpt(), CAPACITY, 0.85, 60, 300, 7,
                PeerNetwork.Settings.MODELLED).ttft()).as("the same seed, the same run").isEqualTo(peers.ttft());
    }

    @Test
    void theRunEndsOnceEveryMeasuredRequestHasItsFirstToken() {
        RoutingRun.Result result = run(new RoutingCase(16, 1, "queue", Duration.ofMillis(100)));

        assertThat(result.ttft().answered()).isEqualTo(result.ttft().requests());
        // Arrivals for 360 virtual seconds: the last ones are answered within seconds, not the 60 the drain allows.
        assertThat(result.virtualSeconds()).isGreaterThanOrEqualTo(360).isLessThan(360 + 10);
    }

    @Test
    void oneReplicaFinishesWhatTheLiveBenchMeasured() {
        // The live routing bench measured 9.86 requests/s for four such replicas on real sockets.
        assertThat(4 * CAPACITY).isBetween(9.86 * 0.95, 9.86 * 1.05);
    }

    private static RoutingRun.Result run(RoutingCase routingCase) {
        return run(routingCase, 7);
    }

    private static RoutingRun.Result run(RoutingCase routingCase, long seed) {
        return RoutingRun.run(routingCase, SMALL, Workload.sharegpt(), CAPACITY, 0.85, 60, 300, seed);
    }
}
