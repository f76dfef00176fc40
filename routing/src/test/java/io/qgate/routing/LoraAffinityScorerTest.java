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

import static io.qgate.routing.LoraAffinityScorer.DRAIN;
import static io.qgate.routing.LoraAffinityScorer.HELD;
import static io.qgate.routing.LoraAffinityScorer.HOME;
import static io.qgate.routing.LoraAffinityScorer.ROOM;
import static io.qgate.routing.LoraAffinityScorer.RUNS;
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

    /** Two slots each: the adapter in the batch, another adapter beside a free slot, both slots taken by others. */
    private static final LoraAdapters RUNNING = LoraAdapters.ofEngine(Set.of(ADAPTER, "b"), Set.of(), 2);
    private static final LoraAdapters ROOM_FOR_ONE = LoraAdapters.ofEngine(Set.of("b"), Set.of(), 2);
    private static final LoraAdapters FULL = LoraAdapters.ofEngine(Set.of("b", "c"), Set.of(), 2);
    /** The adapter runs, and vLLM holds another back until one of the two running drains. */
    private static final LoraAdapters RUNNING_BESIDE_HELD = LoraAdapters.ofEngine(Set.of(ADAPTER, "b"), Set.of("c"), 2);
    /** The adapter's own requests are the ones held back. */
    private static final LoraAdapters HELD_BACK = LoraAdapters.ofEngine(Set.of("b", "c"), Set.of(ADAPTER), 2);
    /** Waiting behind the queue only: a slot is free, so it joins the batch as the queue moves. */
    private static final LoraAdapters QUEUED = LoraAdapters.ofEngine(Set.of("b"), Set.of(ADAPTER), 2);

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
                new Case("where it runs, then a free slot, never where the slots are full of others",
                        Replica.of(3, RUNNING), Replica.of(2, ROOM_FOR_ONE), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {RUNS, ROOM, 0}, A),
                new Case("a free slot beats a full replica that is emptier",
                        Replica.of(3, FULL), Replica.of(4, ROOM_FOR_ONE), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {0, ROOM, 0}, B),
                new Case("beyond the affinity margin it counts for nothing while it can start elsewhere",
                        Replica.of(6, RUNNING), Replica.of(2, ROOM_FOR_ONE), Replica.of(3, FULL), Duration.ZERO,
                        new double[] {0, ROOM, 0}, B),
                new Case("where it can start nowhere else within the margin, the margin gives way",
                        Replica.of(6, RUNNING), Replica.of(2, FULL), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {RUNS, 0, 0}, A),
                new Case("where it runs beside a held adapter it had better go elsewhere, so that one drains",
                        Replica.of(2, RUNNING_BESIDE_HELD), Replica.of(2, ROOM_FOR_ONE), Replica.of(2, FULL),
                        Duration.ZERO, new double[] {DRAIN, ROOM, 0}, B),
                new Case("where its requests are held already, the next waits with them",
                        new Replica(1, 1, HELD_BACK), Replica.of(2, FULL), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {HELD, 0, 0}, A),
                new Case("waiting behind the queue beside a free slot is as good as running",
                        new Replica(1, 2, QUEUED), Replica.of(2, ROOM_FOR_ONE), Replica.of(2, FULL), Duration.ZERO,
                        new double[] {RUNS, ROOM, 0}, A),
                new Case("a replica without LoRA is not a place for an adapter",
                        Replica.of(2, LoraAdapters.NONE), Replica.of(2, ROOM_FOR_ONE), Replica.of(2, RUNNING),
                        Duration.ZERO, new double[] {0, ROOM, RUNS}, C),
                new Case("stale metrics say nothing about adapters",
                        Replica.of(2, RUNNING), Replica.of(2, ROOM_FOR_ONE), Replica.of(2, FULL), Duration.ofSeconds(2),
                        new double[] {0, 0, 0}, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoresAndPicks(Case c) {
        FakeClock clock = new FakeClock();
        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(List.of(A, B, C)));
        // The adapter ran somewhere once, so it is known as an adapter even where no replica runs it now.
        scrape(table, A, Replica.of(0, RUNNING), clock);
        scrape(table, A, c.a(), clock);
        scrape(table, B, c.b(), clock);
        scrape(table, C, c.c(), clock);
        clock.advance(c.advance());

        // A new scorer has seen no demand yet, so no replica is the adapter's home: the scrapes decide.
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
        scrape(table, A, Replica.of(2, RUNNING), clock);
        scrape(table, B, Replica.of(2, ROOM_FOR_ONE), clock);
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
        assertThat(table.load(A).scoreCard().score(3)).as("shown in /debug/endpoints").isEqualTo(RUNS);
        assertThat(table.load(B).scoreCard().score(3)).isEqualTo(ROOM);
    }

    @Test
    void untilTheNextScrapeShowsItTheAdapterRunsWhereItWasSentAndTakesThatSlot() {
        FakeClock clock = new FakeClock();
        RoutingSettings settings = RoutingSettings.defaults();
        Router router = new Router(Strategies.queue(settings, () -> new Random(3)), settings, clock);
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        LoraAdapters known = LoraAdapters.ofEngine(Set.of(ADAPTER, "other-lora", "c"), Set.of(), 8);
        router.load(A).scraped(0, 2, 0.5, Set.of(), known, clock.getAsLong());
        // Now no replica runs either adapter and only B has room, for one more.
        router.load(A).scraped(0, 2, 0.5, Set.of(), FULL, clock.getAsLong());
        router.load(B).scraped(0, 2, 0.5, Set.of(), ROOM_FOR_ONE, clock.getAsLong());
        router.load(C).scraped(0, 2, 0.5, Set.of(), FULL, clock.getAsLong());
        clock.advance(Duration.ofMillis(1));

        Router.Dispatch first = router.dispatch(FOR_ADAPTER, Set.of());
        assertThat(first.endpoint()).as("the free slot").isEqualTo(B);
        first.finish();
        clock.advance(Duration.ofMillis(10));
        for (int i = 0; i < 5; i++) {
            Router.Dispatch next = router.dispatch(FOR_ADAPTER, Set.of());
            next.finish();
            assertThat(next.endpoint()).as("sent there since the scrape: it runs there").isEqualTo(B);
        }

        LoadTable table = new LoadTable();
        table.update(EndpointSnapshot.of(List.of(A, B, C)));
        table.load(A).scraped(0, 2, 0.5, Set.of(), known, clock.getAsLong());
        for (Endpoint endpoint : List.of(A, B, C)) {
            table.load(endpoint).scraped(0, 2, 0.5, Set.of(), endpoint.equals(B) ? ROOM_FOR_ONE : FULL,
                    clock.getAsLong());
        }
        clock.advance(Duration.ofMillis(1));
        LoraAffinityScorer scorer = new LoraAffinityScorer();
        double[] scores = new double[3];
        scorer.score(decision(table, FOR_ADAPTER, clock), scores);
        scorer.picked(FOR_ADAPTER, B, clock.getAsLong());
        clock.advance(Duration.ofMillis(10));
        RouteRequest other = new RouteRequest(ApiRoute.CHAT, "other-lora", false);
        scorer.score(decision(table, other, clock), scores);
        assertThat(scores).as("B's free slot went to the adapter sent there").containsExactly(0, 0, 0);
    }

    @Test
    void onceDemandIsKnownEachAdapterGoesHomeAndTwoGatewaysAgreeWhere() {
        FakeClock clock = new FakeClock();
        RoutingSettings settings = RoutingSettings.defaults();
        List<Router> gateways = List.of(
                new Router(Strategies.queue(settings, () -> new Random(1)), settings, clock),
                new Router(Strategies.queue(settings, () -> new Random(2)), settings, clock));
        List<String> adapters = List.of("a", "b", "c", "d", "e", "f");
        LoraAdapters idle = LoraAdapters.ofEngine(Set.of(), Set.of(), 2);
        LoraAdapters seen = LoraAdapters.ofEngine(Set.copyOf(adapters), Set.of(), 8);
        for (Router router : gateways) {
            router.update(EndpointSnapshot.of(List.of(A, B, C)));
            router.load(A).scraped(0, 0, 0.1, Set.of(), seen, clock.getAsLong());
            for (Endpoint endpoint : List.of(A, B, C)) {
                router.load(endpoint).scraped(0, 0, 0.1, Set.of(), idle, clock.getAsLong());
            }
            for (String adapter : adapters) {
                router.dispatch(new RouteRequest(ApiRoute.CHAT, adapter, false), Set.of()).finish();
            }
        }
        clock.advance(Duration.ofNanos(LoraAffinityScorer.REPLAN_NANOS));
        for (Router router : gateways) {
            for (Endpoint endpoint : List.of(A, B, C)) {
                router.load(endpoint).scraped(0, 0, 0.1, Set.of(), idle, clock.getAsLong());
            }
        }

        for (String adapter : adapters) {
            RouteRequest request = new RouteRequest(ApiRoute.CHAT, adapter, false);
            Router.Dispatch first = gateways.get(0).dispatch(request, Set.of());
            Router.Dispatch second = gateways.get(1).dispatch(request, Set.of());
            first.finish();
            second.finish();
            assertThat(second.endpoint()).as(adapter).isEqualTo(first.endpoint());
            assertThat(gateways.get(0).load(first.endpoint()).scoreCard().score(3)).isEqualTo(HOME);
        }
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

    private static Decision decision(LoadTable table, RouteRequest request, FakeClock clock) {
        return new Decision().reset(request, Set.of(), table, RoutingSettings.defaults(), STALE_AFTER,
                clock.getAsLong());
    }

    private static void scrape(LoadTable table, Endpoint endpoint, Replica replica, FakeClock clock) {
        table.load(endpoint).scraped(replica.waiting(), replica.running(), 0.5, Set.of(), replica.lora(),
                clock.getAsLong());
    }
}
