package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import static io.qgate.routing.Replicas.A;
import static io.qgate.routing.Replicas.B;
import static io.qgate.routing.Replicas.C;
import static io.qgate.routing.Replicas.STALE_AFTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PickerTest {

    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", true);

    private final FakeClock clock = new FakeClock();
    private final Random seeded = new Random(42);
    private final Supplier<RandomGenerator> random = () -> seeded;

    private Router router(RoutingStrategy strategy, RoutingSettings settings) {
        Router router = new Router(strategy, settings, clock);
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        return router;
    }

    /** A table of A, B and C, and a decision over it now. */
    private final LoadTable table = new LoadTable();

    {
        table.update(EndpointSnapshot.of(List.of(A, B, C)));
    }

    private Decision decision(RouteRequest request) {
        return new Decision().reset(request, Set.of(), table, RoutingSettings.defaults(), STALE_AFTER,
                clock.getAsLong());
    }

    private void scrape(Endpoint endpoint, double waiting, double running, double kv) {
        table.load(endpoint).scraped(waiting, running, kv, Set.of(), clock.getAsLong());
    }

    private void scrape(Router router, Endpoint endpoint, double waiting, double running, double kv) {
        router.load(endpoint).scraped(waiting, running, kv, Set.of(), clock.getAsLong());
    }

    @Test
    void queueScorerPrefersTheLeastLoadedAndGradesTheRest() {
        scrape(A, 4, 10, 0.5);
        scrape(B, 0, 12, 0.5);
        scrape(C, 0, 13, 0.5);
        double[] scores = new double[3];

        Scorers.QUEUE.score(decision(CHAT), scores);

        assertThat(scores[1]).isEqualTo(1.0);
        assertThat(scores[2]).isCloseTo(0.5, within(1e-9));
        assertThat(scores[0]).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void kvCacheScorerIsNeutralWhenUnknown() {
        scrape(A, 0, 0, 0.9);
        scrape(B, 0, 0, 0.1);
        double[] scores = new double[3];

        Scorers.KV_CACHE.score(decision(CHAT), scores);

        assertThat(scores).containsExactly(new double[] {0.1, 0.9, 0.5}, within(1e-9));
    }

    @Test
    void queuePickerSendsToTheShortestQueue() {
        Router router = router(Strategies.queue(RoutingSettings.defaults(), random), RoutingSettings.defaults());
        scrape(router, A, 5, 8, 0.5);
        scrape(router, B, 0, 3, 0.5);
        scrape(router, C, 2, 8, 0.5);

        assertThat(router.dispatch(CHAT, Set.of()).endpoint()).isEqualTo(B);
    }

    @Test
    void theCorrectionSpreadsABurstThatTheScrapeCannotSee() {
        RoutingSettings settings = RoutingSettings.defaults().withPrefixAffinity(false);
        Router corrected = router(Strategies.queue(settings, random), settings);
        RoutingSettings off = settings.withQueueCorrection(false);
        Router uncorrected = router(Strategies.queue(off, random), off);
        for (Router router : List.of(corrected, uncorrected)) {
            scrape(router, A, 0, 4, 0.3);
            scrape(router, B, 0, 5, 0.3);
            scrape(router, C, 0, 6, 0.3);
        }

        Map<Endpoint, Integer> withCorrection = burst(corrected, 30);
        Map<Endpoint, Integer> withoutCorrection = burst(uncorrected, 30);

        // 4+5+6 in the engines and 30 more: a fair end state has 15 on each.
        assertThat(withCorrection).containsEntry(A, 11).containsEntry(B, 10).containsEntry(C, 9);
        assertThat(withoutCorrection).containsEntry(A, 30);
    }

    private static Map<Endpoint, Integer> burst(Router router, int requests) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            counts.merge(router.dispatch(CHAT, Set.of()).endpoint(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void tiesAreBrokenAtRandom() {
        Router router = router(Strategies.queue(RoutingSettings.defaults(), random), RoutingSettings.defaults());
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            Router.Dispatch dispatch = router.dispatch(CHAT, Set.of());
            counts.merge(dispatch.endpoint(), 1, Integer::sum);
            dispatch.finish();
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void staleReplicasAreScoredByInflight() {
        Router router = router(Strategies.queue(RoutingSettings.defaults(), random), RoutingSettings.defaults());
        scrape(router, A, 0, 0, 0.1); // looked empty, but that was long ago
        router.load(A).dispatched(1);
        router.load(A).dispatched(1);
        router.load(B).dispatched(1);
        clock.advance(Duration.ofSeconds(5));

        assertThat(router.dispatch(CHAT, Set.of()).endpoint()).isEqualTo(C);
    }

    @Test
    void prefixAffinityKeepsAPrefixOnItsReplicaWithinTheMargin() {
        RoutingSettings settings = RoutingSettings.defaults();
        Router router = router(Strategies.queue(settings, random), settings);
        long[] prefix = PrefixHasher.hash("s".repeat(640), 64, 32);
        RouteRequest tenant = new RouteRequest(ApiRoute.CHAT, "m", true, prefix);
        scrape(router, A, 0, 3, 0.5);
        scrape(router, B, 0, 0, 0.5);
        scrape(router, C, 0, 3, 0.5);

        Endpoint first = router.dispatch(tenant, Set.of()).endpoint();
        assertThat(first).isEqualTo(B);
        // B is now the busiest by one, within the margin of 2: the prefix stays there.
        scrape(router, B, 0, 4, 0.5);
        assertThat(router.dispatch(tenant, Set.of()).endpoint()).isEqualTo(B);
        // Past the margin the queue wins.
        scrape(router, B, 2, 8, 0.5);
        assertThat(router.dispatch(tenant, Set.of()).endpoint()).isNotEqualTo(B);
    }

    @Test
    void prefixAffinityNeverSendsIntoAQueue() {
        RouteRequest tenant = new RouteRequest(ApiRoute.CHAT, "m", true, PrefixHasher.hash("t".repeat(640), 64, 32));
        scrape(A, 1, 8, 0.5); // A queued with 8 running: its batch limit is 8
        scrape(A, 0, 8, 0.5);
        scrape(B, 0, 6, 0.5);
        scrape(C, 0, 6, 0.5);

        // A served the prefix and is within the margin (8 <= 6 + 2), but its batch is full: one
        // more request would wait there, so affinity gives way to the shortest queue.
        PrefixIndex index = new PrefixIndex(10);
        index.record(tenant.prefixHashes(), A.authority());
        double[] scores = new double[3];
        new PrefixAffinityScorer(index).score(decision(tenant), scores);
        assertThat(scores[0]).isZero();

        scrape(A, 0, 7, 0.5);
        new PrefixAffinityScorer(index).score(decision(tenant), scores);
        assertThat(scores[0]).isEqualTo(1.0);
    }

    @Test
    void leastInflightPicksTheLessBusyOfTwo() {
        Router router = new Router(Strategies.leastInflight(random), RoutingSettings.defaults(), clock);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        for (int i = 0; i < 5; i++) {
            router.load(A).dispatched(1);
        }
        for (int i = 0; i < 20; i++) {
            Router.Dispatch dispatch = router.dispatch(CHAT, Set.of());
            assertThat(dispatch.endpoint()).isEqualTo(B);
            dispatch.finish();
        }
    }

    @Test
    void randomPicksEveryone() {
        Router router = router(Strategies.random(random), RoutingSettings.defaults());
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(router.dispatch(CHAT, Set.of()).endpoint(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(A, B, C);
    }

    @Test
    void strategiesByName() {
        RoutingSettings settings = RoutingSettings.defaults();
        assertThat(Strategies.named("queue", settings, random).name()).isEqualTo("queue");
        assertThat(Strategies.named("queue", settings.withQueueCorrection(false), random).name())
                .isEqualTo("queue (uncorrected)");
        assertThat(Strategies.named("least-inflight", settings, random).name()).isEqualTo("least-inflight");
        assertThat(Strategies.named("random", settings, random).name()).isEqualTo("random");
        assertThat(Strategies.named("round-robin", settings, random).name()).isEqualTo("round-robin");
    }
}
