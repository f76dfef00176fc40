package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.qgate.routing.Replicas.STALE_AFTER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sampled decision ({@link RoutingSettings#sampleSize()}) against the full scan, on randomized
 * fleets with fixed seeds: ties, replicas not ready, terminating or ejected, models some replicas
 * do not serve, excluded replicas, and loads that move between decisions.
 */
class SampledDecisionTest {

    private static final long NOW = 1_000_000_000L;
    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", true);
    private static final RoutingSettings SETTINGS = RoutingSettings.defaults().withSampleSize(RoutingSettings.SAMPLE_SIZE);

    /** A random fleet in {@code table}: the accepting replicas' loads are returned in snapshot order. */
    private static List<Endpoint> randomFleet(LoadTable table, Random random, int size, boolean someServeOther) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Endpoint endpoint = Endpoint.of("10.1." + (i / 256) + "." + (i % 256), 8000);
            int kind = random.nextInt(20);
            endpoints.add(kind == 0 ? endpoint.withReady(false) : kind == 1 ? endpoint.withTerminating(true) : endpoint);
        }
        table.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : table.snapshot().accepting()) {
            EndpointLoad load = table.load(endpoint);
            // Few distinct loads: ties are the rule, as in a balanced fleet.
            Set<String> models = someServeOther && random.nextInt(4) == 0 ? Set.of("other") : Set.of("m");
            load.scraped(random.nextInt(2), random.nextInt(6), random.nextDouble(), models, NOW);
            if (random.nextInt(10) == 0) {
                eject(table, load);
            }
        }
        return table.snapshot().accepting();
    }

    /** A table of {@code endpoints}, each idle and serving "m". */
    private static LoadTable idleTable(List<Endpoint> endpoints) {
        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            table.load(endpoint).scraped(0, 0, 0.5, Set.of("m"), NOW);
        }
        return table;
    }

    private static void eject(LoadTable table, EndpointLoad load) {
        for (int f = 0; f < SETTINGS.ejectionFailures(); f++) {
            load.ejection().failure(NOW, SETTINGS);
        }
        table.ejectedUntil(load.ejection().ejectedUntilNanos());
    }

    /** {@code size} replicas at addresses under {@code net}. */
    private static List<Endpoint> replicas(String net, int size) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            endpoints.add(Endpoint.of(net + "." + (i / 256) + "." + (i % 256), 8000));
        }
        return endpoints;
    }

    private static Decision decide(LoadTable table, RouteRequest request, Set<Endpoint> excluded) {
        return new Decision().reset(request, excluded, table, SETTINGS, STALE_AFTER, NOW);
    }

    private static boolean anyQualifies(LoadTable table, RouteRequest request, Set<Endpoint> excluded) {
        for (Endpoint endpoint : table.snapshot().accepting()) {
            EndpointLoad load = table.load(endpoint);
            if (!excluded.contains(endpoint) && !load.ejection().ejected(NOW)
                    && load.models().contains(request.model())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theSampledPickPassesEveryFilterAndIsTheLeastLoadedOfItsCandidates() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            LoadTable table = new LoadTable();
            List<Endpoint> accepting = randomFleet(table, random, 20 + random.nextInt(600), seed % 2 == 0);
            RoutingStrategy queue = Strategies.queue(SETTINGS.withPrefixAffinity(false), () -> random);
            for (int round = 0; round < 50; round++) {
                Set<Endpoint> excluded = random.nextInt(3) == 0
                        ? Set.of(accepting.get(random.nextInt(accepting.size()))) : Set.of();
                Decision decision = decide(table, CHAT, excluded);
                int chosen = queue.choose(decision);

                assertThat(chosen).as("seed %d", seed).isGreaterThanOrEqualTo(0);
                Endpoint picked = decision.endpoint(chosen);
                EndpointLoad load = decision.load(chosen);
                assertThat(accepting).as("seed %d", seed).contains(picked);
                assertThat(excluded).as("seed %d", seed).doesNotContain(picked);
                if (anyQualifies(table, CHAT, excluded)) {
                    assertThat(load.ejection().ejected(NOW)).as("seed %d: ejected", seed).isFalse();
                    assertThat(load.models()).as("seed %d: model", seed).contains("m");
                }
                Set<Endpoint> distinct = new HashSet<>();
                for (int i = 0; i < decision.size(); i++) {
                    distinct.add(decision.endpoint(i));
                    assertThat(decision.estimated(chosen)).as("seed %d", seed).isLessThanOrEqualTo(decision.estimated(i));
                }
                assertThat(distinct).as("seed %d: candidates drawn once", seed).hasSize(decision.size());
                assertThat(decision.size()).as("seed %d", seed)
                        .isLessThanOrEqualTo(decision.sampled() ? SETTINGS.sampleSize() : accepting.size());
                // The next decision sees this one's pick.
                load.dispatched(1);
            }
        }
    }

    @Test
    void aFleetNoLargerThanTheSamplePicksExactlyAsTheFullScan() {
        for (long seed = 1; seed <= 20; seed++) {
            int size = 2 + (int) (seed % (SETTINGS.sampleSize() - 1));
            Random sampledRandom = new Random(seed);
            Random fullRandom = new Random(seed);
            Router sampled = new Router(Strategies.queue(SETTINGS, () -> sampledRandom), SETTINGS, () -> NOW);
            RoutingSettings full = SETTINGS.withSampleSize(0);
            // The full scan, not the load index: its salts would draw from the same random stream.
            Router scanned = new Router(Strategies.queue(full, () -> fullRandom).withoutIndex(), full, () -> NOW);
            Random fleet = new Random(seed);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                endpoints.add(Endpoint.of("10.2.0." + i, 8000));
            }
            sampled.update(EndpointSnapshot.of(endpoints));
            scanned.update(EndpointSnapshot.of(endpoints));
            for (Endpoint endpoint : endpoints) {
                int running = fleet.nextInt(4);
                double kv = fleet.nextDouble();
                sampled.load(endpoint).scraped(0, running, kv, Set.of("m"), NOW);
                scanned.load(endpoint).scraped(0, running, kv, Set.of("m"), NOW);
            }
            for (int round = 0; round < 30; round++) {
                assertThat(sampled.dispatch(CHAT, Set.of()).endpoint()).as("seed %d round %d", seed, round)
                        .isEqualTo(scanned.dispatch(CHAT, Set.of()).endpoint());
            }
        }
    }

    @Test
    void fillingALargeFleetBySampleKeepsItNearlyAsEvenAsTheFullScan() {
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            int size = 500;
            int[] sampledLoads = fill(SETTINGS, random, size, 10 * size);
            int[] scannedLoads = fill(SETTINGS.withSampleSize(0), random, size, 10 * size);

            assertThat(spread(scannedLoads)).as("seed %d: the full scan fills evenly", seed).isZero();
            // Sixteen choices leave the busiest replica at most two requests above the average.
            assertThat(spread(sampledLoads)).as("seed %d", seed).isLessThanOrEqualTo(3);
            assertThat(max(sampledLoads)).as("seed %d", seed).isLessThanOrEqualTo(12);
        }
    }

    /** Dispatches {@code requests} that never finish over an idle fleet; each replica's count. */
    private static int[] fill(RoutingSettings settings, Random random, int size, int requests) {
        Router router = new Router(Strategies.queue(settings, () -> random), settings, () -> NOW);
        List<Endpoint> endpoints = replicas("10.3", size);
        router.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            router.load(endpoint).scraped(0, 0, 0.5, Set.of("m"), NOW);
        }
        for (int i = 0; i < requests; i++) {
            router.dispatch(CHAT, Set.of());
        }
        return endpoints.stream().mapToInt(router::inflight).toArray();
    }

    private static int spread(int[] loads) {
        return max(loads) - Arrays.stream(loads).min().orElseThrow();
    }

    private static int max(int[] loads) {
        return Arrays.stream(loads).max().orElseThrow();
    }

    @Test
    void aModelOnlyOneReplicaServesIsFoundBeyondTheSample() {
        Random random = new Random(7);
        List<Endpoint> endpoints = replicas("10.4", 500);
        LoadTable table = idleTable(endpoints);
        table.load(endpoints.get(321)).scraped(0, 0, 0.5, Set.of("rare"), NOW);
        assertAlwaysPicks(table, new RouteRequest(ApiRoute.CHAT, "rare", true), endpoints.get(321), random);
    }

    @Test
    void whenAllButOneReplicaIsEjectedTheSampleWidensToIt() {
        Random random = new Random(8);
        List<Endpoint> endpoints = replicas("10.5", 300);
        LoadTable table = idleTable(endpoints);
        for (int i = 0; i < endpoints.size(); i++) {
            if (i != 42) {
                eject(table, table.load(endpoints.get(i)));
            }
        }
        assertAlwaysPicks(table, CHAT, endpoints.get(42), random);
    }

    private static void assertAlwaysPicks(LoadTable table, RouteRequest request, Endpoint expected, Random random) {
        RoutingStrategy queue = Strategies.queue(SETTINGS, () -> random);
        for (int round = 0; round < 20; round++) {
            Decision decision = decide(table, request, Set.of());
            assertThat(decision.endpoint(queue.choose(decision))).isEqualTo(expected);
        }
    }

    @Test
    void thePrefixHolderIsWeighedEvenWhenTheSampleMissesIt() {
        Random random = new Random(9);
        Router router = new Router(Strategies.queue(SETTINGS, () -> random), SETTINGS, () -> NOW);
        List<Endpoint> endpoints = replicas("10.6", 1000);
        router.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            router.load(endpoint).scraped(0, 1, 0.5, Set.of("m"), NOW);
        }
        RouteRequest tenant = new RouteRequest(ApiRoute.CHAT, "m", true, PrefixHasher.hash("t".repeat(512), 64, 8));
        Router.Dispatch first = router.dispatch(tenant, Set.of());
        first.finish();
        // The holder is one of a thousand equally loaded replicas: a sample of 16 holds it 1.6% of the time.
        for (int round = 0; round < 50; round++) {
            Router.Dispatch next = router.dispatch(tenant, Set.of());
            assertThat(next.endpoint()).isEqualTo(first.endpoint());
            next.finish();
        }
    }

    @Test
    void anAdaptersRequestWeighsEveryReplica() {
        Random random = new Random(10);
        LoadTable table = new LoadTable();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            endpoints.add(Endpoint.of("10.7.0." + i, 8000));
        }
        table.update(EndpointSnapshot.of(endpoints));
        LoraAdapters none = new LoraAdapters(Set.of(), 2, 1);
        LoraAdapters running = new LoraAdapters(Set.of("a"), 2, 1);
        for (int i = 0; i < endpoints.size(); i++) {
            table.load(endpoints.get(i)).scraped(0, 1, 0.5, Set.of("m"), i == 150 ? running : none, NOW);
        }
        RoutingStrategy queue = Strategies.queue(SETTINGS, () -> random);
        Decision decision = decide(table, new RouteRequest(ApiRoute.CHAT, "a", true), Set.of());
        queue.choose(decision);

        assertThat(decision.sampled()).isFalse();
        assertThat(decision.size()).isEqualTo(endpoints.size());
    }
}
