package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static io.qgate.routing.Replicas.A;
import static io.qgate.routing.Replicas.B;
import static io.qgate.routing.Replicas.C;
import static io.qgate.routing.Replicas.STALE_AFTER;
import static org.assertj.core.api.Assertions.assertThat;

/** The LoRA scorer on three replicas, case by case, on a clock that moves only when told. */
class LoraAffinityScorerTest {

    private static final String ADAPTER = "sql-lora";
    private static final RouteRequest FOR_ADAPTER = new RouteRequest(ApiRoute.CHAT, ADAPTER, false);

    /** One replica as a scrape shows it: its queue and its adapters. */
    record Replica(double waiting, double running, LoraAdapters lora) {
        static Replica of(double running, LoraAdapters lora) {
            return new Replica(0, running, lora);
        }
    }

    /** Two slots: the adapter active, another adapter active beside a free slot, both slots taken. */
    private static final LoraAdapters ACTIVE = new LoraAdapters(Set.of(ADAPTER, "b"), 2, 2);
    private static final LoraAdapters ROOM = new LoraAdapters(Set.of("b"), 2, 1);
    private static final LoraAdapters FULL = new LoraAdapters(Set.of("b", "c"), 2, 2);

    /**
     * @param advance how long after the scrape the decision is made
     * @param scores  A's, B's and C's LoRA scores
     * @param chosen  the replica the queue strategy picks
     */
    record Case(String name, Replica a, Replica b, Replica c, Duration advance, double[] scores, Endpoint chosen) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the adapter's replica, then the one with a free slot, never the full one",
                        Replica.of(3, ACTIVE), Replica.of(2, ROOM), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {1, 0.5, 0}, A),
                new Case("a free slot beats a swap on an emptier replica",
                        Replica.of(3, FULL), Replica.of(4, ROOM), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {0, 0.5, 0}, B),
                new Case("beyond the affinity margin the adapter counts for nothing",
                        Replica.of(6, ACTIVE), Replica.of(2, ROOM), Replica.of(3, FULL), Duration.ZERO,
                        new double[] {0, 0.5, 0}, B),
                new Case("waiting requests within the margin do not stop it: they are what it mends",
                        new Replica(1, 2, ACTIVE), Replica.of(2, FULL), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {1, 0, 0}, A),
                new Case("a replica without LoRA is not a place for an adapter",
                        Replica.of(2, LoraAdapters.NONE), Replica.of(2, ROOM), Replica.of(2, ACTIVE), Duration.ZERO,
                        new double[] {0, 0.5, 1}, C),
                new Case("stale metrics say nothing about adapters",
                        Replica.of(2, ACTIVE), Replica.of(2, ROOM), Replica.of(2, FULL), Duration.ofSeconds(2),
                        new double[] {0, 0, 0}, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoresAndPicks(Case c) {
        FakeClock clock = new FakeClock();
        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(List.of(A, B, C)));
        // The adapter ran somewhere once, so it is known as an adapter even where no replica runs it now.
        scrape(table, A, Replica.of(0, ACTIVE), clock);
        scrape(table, A, c.a(), clock);
        scrape(table, B, c.b(), clock);
        scrape(table, C, c.c(), clock);
        clock.advance(c.advance());

        Decision decision = new Decision().reset(FOR_ADAPTER, Set.of(), table, RoutingSettings.defaults(),
                STALE_AFTER, clock.getAsLong());
        assertThat(new LoraAffinityScorer().applies(decision)).isTrue();
        double[] scores = new double[3];
        new LoraAffinityScorer().score(decision, scores);
        assertThat(scores).containsExactly(c.scores());

        if (c.chosen() != null) {
            RoutingStrategy queue = Strategies.queue(RoutingSettings.defaults(), () -> new Random(1));
            Decision picking = new Decision().reset(FOR_ADAPTER, Set.of(), table, RoutingSettings.defaults(),
                    STALE_AFTER, clock.getAsLong());
            assertThat(picking.endpoint(queue.choose(picking))).isEqualTo(c.chosen());
        }
    }

    @Test
    void aRequestForTheBaseModelSkipsTheScorerAndScoresItZero() {
        FakeClock clock = new FakeClock();
        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(List.of(A, B)));
        scrape(table, A, Replica.of(2, ACTIVE), clock);
        scrape(table, B, Replica.of(2, ROOM), clock);
        RouteRequest base = new RouteRequest(ApiRoute.CHAT, "Qwen/Qwen3-8B", false);

        Decision decision = new Decision().reset(base, Set.of(), table, RoutingSettings.defaults(), STALE_AFTER,
                clock.getAsLong());
        assertThat(new LoraAffinityScorer().applies(decision)).isFalse();
        RoutingStrategy queue = Strategies.queue(RoutingSettings.defaults(), () -> new Random(1));
        assertThat(queue.scorerNames()).containsExactly("queue", "kv-cache", "prefix", "lora");
        queue.choose(decision);
        assertThat(table.load(A).scoreCard().score(3)).isZero();
        assertThat(table.load(A).scoreCard().total()).isEqualTo(1.0 + 0.1 * 0.5);

        Decision forAdapter = new Decision().reset(FOR_ADAPTER, Set.of(), table, RoutingSettings.defaults(),
                STALE_AFTER, clock.getAsLong());
        queue.choose(forAdapter);
        assertThat(table.load(A).scoreCard().score(3)).as("shown in /debug/endpoints").isEqualTo(1.0);
        assertThat(table.load(B).scoreCard().score(3)).isEqualTo(0.5);
    }

    @Test
    void untilTheNextScrapeShowsItTheAdapterFollowsTheLastPick() {
        FakeClock clock = new FakeClock();
        RoutingSettings settings = RoutingSettings.defaults();
        Router router = new Router(Strategies.queue(settings, () -> new Random(3)), settings, clock);
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        LoraAdapters other = new LoraAdapters(Set.of(ADAPTER, "c"), 2, 2);
        router.load(A).scraped(0, 2, 0.5, Set.of(), other, clock.getAsLong());
        // Now no replica runs it and none has room: the scrapes say nothing to choose by.
        for (Endpoint endpoint : List.of(A, B, C)) {
            router.load(endpoint).scraped(0, 2, 0.5, Set.of(), FULL, clock.getAsLong());
        }

        Router.Dispatch first = router.dispatch(FOR_ADAPTER, Set.of());
        first.finish();
        for (int i = 0; i < 20; i++) {
            Router.Dispatch next = router.dispatch(FOR_ADAPTER, Set.of());
            next.finish();
            assertThat(next.endpoint()).isEqualTo(first.endpoint());
        }
        Router.Dispatch base = router.dispatch(new RouteRequest(ApiRoute.CHAT, "base", false), Set.of());
        base.finish();
    }

    @Test
    void noAdapterEverReportedMeansTheScorerNeverApplies() {
        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(List.of(A, B)));
        table.load(A).scraped(0, 1, 0.5, Set.of(), new LoraAdapters(Set.of(), 4, 0), 0);
        Decision decision = new Decision().reset(FOR_ADAPTER, Set.of(), table, RoutingSettings.defaults(),
                STALE_AFTER, 0);
        assertThat(new LoraAffinityScorer().applies(decision)).isFalse();
    }

    private static void scrape(LoadTable table, Endpoint endpoint, Replica replica, FakeClock clock) {
        table.load(endpoint).scraped(replica.waiting(), replica.running(), 0.5, Set.of(), replica.lora(),
                clock.getAsLong());
    }
}
