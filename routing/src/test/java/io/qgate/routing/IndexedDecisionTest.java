package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision read from the load index ({@link IndexedCandidates}) against the full scan of the
 * same table at the same instant, on randomized fleets with fixed seeds: ties, replicas not
 * ready, terminating, ejected or excluded, models some replicas do not serve, LoRA adapters,
 * prefix holders, and between decisions dispatches, first tokens, finishes, scrapes, peers'
 * reports and scrapes going stale. For {@code work} the pick must be one the full scan could
 * make: its total within the picker's margin of the full scan's best, the least loaded of those,
 * and the best total among the index's candidates the full scan's best. For {@code queue}, whose
 * index does not tell free KV caches apart within a band as wide as that margin, the candidates'
 * best is within the margin of the full scan's, and the pick within twice the margin.
 */
class IndexedDecisionTest {

    private static final RoutingSettings SETTINGS = RoutingSettings.defaults();
    private static final long[][] PREFIXES = {
            PrefixHasher.hash("tenant-one ".repeat(40), 64, 32),
            PrefixHasher.hash("tenant-two ".repeat(40), 64, 32),
            PrefixHasher.hash("tenant-three ".repeat(40), 64, 32)};

    @Test
    void queueDecidesAsTheFullScan() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            RoutingStrategy queue = Strategies.queue(SETTINGS, () -> random);
            new Fleet(seed, random, queue).run();
        }
    }

    @Test
    void workDecidesAsTheFullScan() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            RoutingStrategy work = Strategies.work(SETTINGS, Strategies.DEFAULT_BLOCK_TOKENS, () -> random);
            new Fleet(seed, random, work).run();
        }
    }

    @Test
    void aDecisionOverAThousandBalancedReplicasWeighsAFewOfThem() {
        Random random = new Random(7);
        FakeClock clock = new FakeClock();
        Router router = new Router(Strategies.work(SETTINGS, Strategies.DEFAULT_BLOCK_TOKENS, () -> random),
                SETTINGS, clock);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            endpoints.add(Endpoint.of("10.3." + (i / 256) + "." + (i % 256), 8000));
        }
        router.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            router.load(endpoint).scraped(0, random.nextInt(4), 0.5, Set.of("m"), clock.getAsLong());
        }
        Decision decision = new Decision().reset(new RouteRequest(ApiRoute.CHAT, "m", true), Set.of(),
                router.table(), SETTINGS, SETTINGS.staleAfter().toNanos(), clock.getAsLong());

        int chosen = router.strategy().choose(decision);

        assertThat(decision.size()).isLessThanOrEqualTo(IndexedCandidates.TIES + 1);
        assertThat(decision.estimated(chosen)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue", "work"})
    void anyIdleFindsTheOneIdleReplicaAmongAThousand(String strategy) {
        FakeClock clock = new FakeClock();
        Router router = new Router(Strategies.named(strategy, SETTINGS, Strategies.THREAD_LOCAL_RANDOM), SETTINGS,
                clock);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            endpoints.add(Endpoint.of("10.4." + (i / 256) + "." + (i % 256), 8000));
        }
        router.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            router.load(endpoint).scraped(0, 2, 0.5, Set.of("m"), clock.getAsLong());
        }
        assertThat(router.anyIdle()).isFalse();

        router.load(endpoints.get(617)).scraped(0, 0, 0.5, Set.of("m"), clock.getAsLong());

        assertThat(router.anyIdle()).isTrue();
        // Its scrape goes stale; nothing of this gateway's is open anywhere, so every replica counts as idle.
        clock.advance(SETTINGS.staleAfter().plusMillis(1));
        router.load(endpoints.get(617)).scraped(0, 3, 0.5, Set.of("m"), clock.getAsLong());
        assertThat(router.anyIdle()).isTrue();
    }

    /** A random fleet routed by {@code strategy} with its index, checked against the full scan before every pick. */
    private static final class Fleet {
        private final long seed;
        private final Random random;
        private final RoutingStrategy strategy;
        private final RoutingStrategy fullScan;
        private final FakeClock clock = new FakeClock();
        private final Router router;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<Router.Dispatch> open = new ArrayList<>();

        Fleet(long seed, Random random, RoutingStrategy strategy) {
            this.seed = seed;
            this.random = random;
            this.strategy = strategy;
            this.fullScan = strategy.withoutIndex();
            this.router = new Router(strategy, SETTINGS, clock);
            int size = 40 + random.nextInt(400);
            for (int i = 0; i < size; i++) {
                Endpoint endpoint = Endpoint.of("10.1." + (i / 256) + "." + (i % 256), 8000);
                int kind = random.nextInt(20);
                endpoints.add(kind == 0 ? endpoint.withReady(false) : kind == 1 ? endpoint.withTerminating(true)
                        : endpoint);
            }
            router.update(EndpointSnapshot.of(endpoints));
            for (Endpoint endpoint : router.snapshot().accepting()) {
                scrape(router.load(endpoint));
            }
        }

        void run() {
            for (int round = 0; round < 150; round++) {
                change();
                RouteRequest request = request();
                List<Endpoint> accepting = router.snapshot().accepting();
                Set<Endpoint> excluded = random.nextInt(5) == 0
                        ? Set.of(accepting.get(random.nextInt(accepting.size()))) : Set.of();
                Decision full = new Decision().reset(request, excluded, router.table(), SETTINGS,
                        SETTINGS.staleAfter().toNanos(), clock.getAsLong());
                fullScan.choose(full);
                Decision indexed = new Decision().reset(request, excluded, router.table(), SETTINGS,
                        SETTINGS.staleAfter().toNanos(), clock.getAsLong());
                strategy.choose(indexed);
                checkBest(full, indexed, round);
                checkIdle(round);

                Router.Dispatch dispatch = router.dispatch(request, excluded);

                assertThat(dispatch).as("seed %d round %d", seed, round).isNotNull();
                checkAgainst(full, dispatch.endpoint(), round);
                open.add(dispatch);
            }
        }

        /** {@link Router#anyIdle} from the index is what a look at every replica says, but past many ejected idle ones. */
        private void checkIdle(int round) {
            long now = clock.getAsLong();
            long staleAfter = SETTINGS.staleAfter().toNanos();
            boolean idle = false;
            int ejectedIdle = 0;
            for (Endpoint endpoint : router.snapshot().accepting()) {
                if (router.load(endpoint).estimatedLoad(now, staleAfter, SETTINGS.queueCorrection()) < 0.5) {
                    if (router.ejected(endpoint)) {
                        ejectedIdle++;
                    } else {
                        idle = true;
                    }
                }
            }
            if (ejectedIdle < Router.IDLE_CHECKS) {
                assertThat(router.anyIdle()).as("seed %d round %d: any replica idle", seed, round).isEqualTo(idle);
            }
        }

        /** The pick is among those the full scan chooses from. */
        private void checkAgainst(Decision full, Endpoint picked, int round) {
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < full.size(); i++) {
                best = Math.max(best, full.size() == 1 ? 0 : full.total(i));
            }
            int at = -1;
            double leastNear = Double.MAX_VALUE;
            for (int i = 0; i < full.size(); i++) {
                boolean near = full.size() == 1 || full.total(i) >= best - Pickers.NEAR_EQUAL;
                if (near) {
                    leastNear = Math.min(leastNear, full.estimated(i));
                }
                if (full.endpoint(i) == picked) {
                    at = i;
                }
            }
            assertThat(at).as("seed %d round %d: the pick passes the full scan's filters", seed, round)
                    .isGreaterThanOrEqualTo(0);
            if (full.size() > 1) {
                assertThat(full.total(at)).as("seed %d round %d: the pick's total", seed, round)
                        .isGreaterThanOrEqualTo(best - margins() * Pickers.NEAR_EQUAL);
            }
            if (strategy.workModel() != null) {
                assertThat(full.estimated(at)).as("seed %d round %d: the least loaded of the near-best", seed, round)
                        .isEqualTo(leastNear);
            }
        }

        /** Picker's margins the pick may fall short of the full scan's best by: one, or two for {@code queue}'s KV bands. */
        private int margins() {
            return strategy.workModel() != null ? 1 : 2;
        }

        /** The index's candidates hold one with the full scan's best total (within a margin for {@code queue}). */
        private void checkBest(Decision full, Decision indexed, int round) {
            if (indexed.size() > 1 && full.size() > 1) {
                assertThat(best(indexed)).as("seed %d round %d: the best total", seed, round)
                        .isBetween(best(full) - (margins() - 1) * Pickers.NEAR_EQUAL, best(full));
            }
        }

        private static double best(Decision decision) {
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < decision.size(); i++) {
                best = Math.max(best, decision.total(i));
            }
            return best;
        }

        /** Something moves between decisions, as it does in a gateway. */
        private void change() {
            List<Endpoint> accepting = router.snapshot().accepting();
            EndpointLoad load = router.load(accepting.get(random.nextInt(accepting.size())));
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    if (!open.isEmpty()) {
                        open.remove(random.nextInt(open.size())).finish();
                    }
                }
                case 2 -> {
                    if (!open.isEmpty()) {
                        open.get(random.nextInt(open.size())).tokens(1 + random.nextInt(40));
                    }
                }
                case 3 -> scrape(load);
                case 4 -> load.peers().report(1 + random.nextInt(2), 5 + random.nextInt(5), random.nextInt(5));
                case 5 -> clock.advance(Duration.ofMillis(random.nextInt(400)));
                case 6 -> {
                    for (int f = 0; f < SETTINGS.ejectionFailures(); f++) {
                        Router.Dispatch failing = router.dispatch(request(), Set.of());
                        if (failing != null) {
                            failing.finish(true);
                        }
                    }
                }
                case 7 -> {
                    if (random.nextInt(10) == 0) {
                        List<Endpoint> changed = new ArrayList<>(router.snapshot().endpoints());
                        int at = random.nextInt(changed.size());
                        changed.set(at, changed.get(at).withReady(!changed.get(at).ready()));
                        router.update(EndpointSnapshot.of(changed));
                    }
                }
                // A replica's pace against the pool's fastest moved (ReplicaSpeeds): its work ahead with it.
                case 8 -> load.slowness(1 + random.nextInt(3));
                default -> {
                }
            }
        }

        private void scrape(EndpointLoad load) {
            // Few distinct values: ties are the rule, as in a balanced fleet.
            Set<String> models = random.nextInt(6) == 0 ? Set.of("other") : Set.of("m");
            LoraAdapters lora = random.nextInt(8) == 0 ? new LoraAdapters(Set.of("adapter"), 2, 1) : LoraAdapters.NONE;
            double[] kv = {0.2, 0.5, 0.55, 0.9};
            load.scraped(random.nextInt(2), random.nextInt(5), kv[random.nextInt(kv.length)], models, lora,
                    clock.getAsLong());
        }

        private RouteRequest request() {
            int kind = random.nextInt(10);
            String model = kind == 0 ? "adapter" : "m";
            long[] prefix = kind < 5 ? PREFIXES[random.nextInt(PREFIXES.length)] : new long[0];
            return new RouteRequest(ApiRoute.CHAT, model, true, prefix, 50 + random.nextInt(400), random.nextInt(200));
        }
    }
}
