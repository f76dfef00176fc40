package io.qgate.routing;

import static io.qgate.routing.Replicas.A;
import static io.qgate.routing.Replicas.B;
import static io.qgate.routing.Replicas.C;
import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.routing.metrics.EngineCounters;
import io.qgate.routing.metrics.LoraAdapters;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The work strategy's choices, and the work it books, on a fake clock. */
class WorkRoutingTest {

    private static final long[] TENANT = {11, 12, 13, 14, 15, 16, 17, 18};
    private static final int CONTEXT_TOKENS = 6_000;

    private final FakeClock clock = new FakeClock();

    static Stream<Arguments> aCachedPrefixAgainstTheWorkQueuedAtItsHolder() {
        // Short prompts of 100 tokens queued at the holder of the tenant's 6,000-token context.
        return Stream.of(
                Arguments.of("work", 0, Set.of(A)),
                Arguments.of("work", 3, Set.of(A)),
                Arguments.of("work", 50, Set.of(A)),
                // 13,000 tokens queued there cost more than prefilling the context elsewhere, counted twice.
                Arguments.of("work", 130, Set.of(B, C)),
                // Counting requests, today's queue strategy leaves the holder at the first queued request.
                Arguments.of("queue", 3, Set.of(B, C)));
    }

    @ParameterizedTest(name = "{0}, {1} short prompts queued at the holder -> {2}")
    @MethodSource
    void aCachedPrefixAgainstTheWorkQueuedAtItsHolder(String strategy, int queuedAtHolder, Set<Endpoint> expected) {
        Router router = router(strategy);
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        // The tenant's first request went to A, whose cache now holds the context.
        Router.Dispatch first = router.dispatch(tenantQuestion(), Set.of(B, C));
        first.firstToken();
        first.finish(false);
        for (int i = 0; i < queuedAtHolder; i++) {
            router.dispatch(prompt(100, null), Set.of(B, C));
        }

        Endpoint chosen = router.dispatch(tenantQuestion(), Set.of()).endpoint();

        assertThat(expected).contains(chosen);
    }

    static Stream<Arguments> aLongPromptAgainstAnotherLongPrompt() {
        return Stream.of(
                Arguments.of("work", false, Set.of(B, C)),
                // Once the first long prompt has its first token, its prefill is no longer ahead.
                Arguments.of("work", true, Set.of(A)),
                // Counting requests, A (one request) looks emptier than B and C (four each).
                Arguments.of("queue", false, Set.of(A)));
    }

    @ParameterizedTest(name = "{0}, the first long prompt prefilled: {1} -> {2}")
    @MethodSource
    void aLongPromptAgainstAnotherLongPrompt(String strategy, boolean firstPrefilled, Set<Endpoint> expected) {
        Router router = router(strategy);
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        Router.Dispatch longOne = router.dispatch(prompt(8_000, null), Set.of(B, C));
        for (int i = 0; i < 4; i++) {
            router.dispatch(prompt(100, null), Set.of(A, C));
            router.dispatch(prompt(100, null), Set.of(A, B));
        }
        if (firstPrefilled) {
            longOne.firstToken();
        }

        Endpoint chosen = router.dispatch(prompt(8_000, null), Set.of()).endpoint();

        assertThat(expected).contains(chosen);
    }

    static Stream<Arguments> aTenantsHomeThatQueues() {
        // A holds the tenant's context and runs 100 answers of 200 tokens; its engine reports a queue.
        return Stream.of(
                // One waiting: the first of 100 sequences to finish frees the slot, long before the batch's last.
                Arguments.of(1, Set.of(A)),
                Arguments.of(10, Set.of(A)),
                // 60 waiting: the new request waits for most of the batch, longer than a prefill elsewhere.
                Arguments.of(60, Set.of(B, C)));
    }

    @ParameterizedTest(name = "{0} waiting at the tenant's home -> {1}")
    @MethodSource
    void aTenantsHomeThatQueues(int waitingAtHome, Set<Endpoint> expected) {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        Router.Dispatch first = router.dispatch(tenantQuestion(), Set.of(B, C));
        first.firstToken();
        first.finish(false);
        for (int i = 0; i < 100; i++) {
            router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 100, 200), Set.of(B, C))
                    .firstToken();
        }
        router.load(A).scraped(waitingAtHome, 100, 0.9, Set.of(), clock.getAsLong());
        router.load(B).scraped(0, 0, 0.1, Set.of(), clock.getAsLong());
        router.load(C).scraped(0, 0, 0.1, Set.of(), clock.getAsLong());

        Endpoint chosen = router.dispatch(tenantQuestion(), Set.of()).endpoint();

        assertThat(expected).contains(chosen);
    }

    @Test
    void aRequestForALoraAdapterGoesWhereTheAdapterRuns() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        LoraAdapters full = LoraAdapters.ofEngine(Set.of("b", "c"), Set.of(), 2);
        router.load(A).scraped(0, 2, 0.1, Set.of(), full, clock.getAsLong());
        router.load(B).scraped(0, 2, 0.1, Set.of(), LoraAdapters.ofEngine(Set.of("sql-lora", "b"), Set.of(), 2),
                clock.getAsLong());
        router.load(C).scraped(0, 2, 0.1, Set.of(), full, clock.getAsLong());

        for (int i = 0; i < 10; i++) {
            Router.Dispatch next = router.dispatch(new RouteRequest(ApiRoute.CHAT, "sql-lora", true, new long[0], 100, 50),
                    Set.of());
            assertThat(next.endpoint()).isEqualTo(B);
            next.finish(false);
        }
    }

    @Test
    void aPromptAnotherGatewaySentAheadCountsAsWorkAhead() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A, B)));
        // A peer has one request open on each, its long prompt still in prefill on A.
        router.load(A).peers().report(9, 1, 0, 8_000, 100);
        router.load(B).peers().report(9, 1, 0, 0, 100);

        for (int i = 0; i < 10; i++) {
            Router.Dispatch next = router.dispatch(prompt(100, null), Set.of());
            assertThat(next.endpoint()).isEqualTo(B);
            next.finish(false);
        }
    }

    @Test
    void withEqualWorkAheadTheReplicaRunningFewerRequestsWins() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A, B, C)));
        // Everything sent so far is past its prefill: no work queued anywhere, but B and C run more.
        for (int i = 0; i < 3; i++) {
            router.dispatch(prompt(100, null), Set.of(A, C)).firstToken();
            router.dispatch(prompt(100, null), Set.of(A, B)).firstToken();
        }
        router.dispatch(prompt(100, null), Set.of(B, C)).firstToken();

        for (int i = 0; i < 20; i++) {
            Router.Dispatch next = router.dispatch(prompt(100, null), Set.of());
            assertThat(next.endpoint()).isEqualTo(A);
            next.finish(false);
        }
    }

    static Stream<Arguments> theSameWorkAheadOnASlowerReplica() {
        // A and B each run 100 answers of 200 tokens and report a queue; B's tokens come 40 ms apart.
        return Stream.of(
                // Equally fast: the same work ahead, either.
                Arguments.of(0.040, Set.of(A, B)),
                // A's tokens come twice as fast: the work ahead there is done in half the time.
                Arguments.of(0.020, Set.of(A)),
                // A reports no speed: taken as fast as the fastest, as before engines reported it.
                Arguments.of(Double.NaN, Set.of(A, B)));
    }

    @ParameterizedTest(name = "A's seconds between tokens {0} against B's 0.040 -> {1}")
    @MethodSource
    void theSameWorkAheadOnASlowerReplica(double secondsBetweenTokensAtA, Set<Endpoint> expected) {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A, B)));
        for (int i = 0; i < 100; i++) {
            router.dispatch(prompt(100, null), Set.of(B)).firstToken();
            router.dispatch(prompt(100, null), Set.of(A)).firstToken();
        }
        for (Endpoint endpoint : List.of(A, B)) {
            router.load(endpoint).scraped(10, 100, 0.5, Set.of(), clock.getAsLong());
            double between = endpoint.equals(A) ? secondsBetweenTokensAtA : 0.040;
            router.load(endpoint).engineCounters(new EngineCounters(0, 0, 0, 0, 0, 0));
            if (!Double.isNaN(between)) {
                router.load(endpoint).engineCounters(new EngineCounters(0, 0, 0, 0, 1000 * between, 1000));
            }
        }

        Set<Endpoint> chosen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Router.Dispatch next = router.dispatch(prompt(100, null), Set.of());
            chosen.add(next.endpoint());
            next.finish(false);
        }

        assertThat(chosen).isSubsetOf(expected);
        if (expected.size() == 1) {
            assertThat(chosen).isEqualTo(expected);
        }
    }

    @Test
    void theWorkBookedOnAReplicaCountsDownAsTheAnswerStreams() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A)));
        RouteRequest request = new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 500, 40);

        Router.Dispatch dispatch = router.dispatch(request, Set.of());
        EndpointLoad load = router.load(A);
        assertThat(load.prefillPending()).isEqualTo(500);
        assertThat(load.decodePending()).isEqualTo(40);
        assertThat(load.inflightTokens()).isEqualTo(540);

        dispatch.tokens(10);
        assertThat(load.prefillPending()).isZero();
        assertThat(load.decodePending()).isEqualTo(30);

        dispatch.finish(false);
        dispatch.finish(false);
        assertThat(load.decodePending()).isZero();
        assertThat(load.inflightTokens()).isZero();
    }

    @Test
    void aTenantsFirstRequestBooksItsWholePromptTheNextOnlyWhatIsNotCached() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A)));

        router.dispatch(tenantQuestion(), Set.of());
        assertThat(router.load(A).prefillPending()).isEqualTo(CONTEXT_TOKENS + 40);

        router.dispatch(tenantQuestion(), Set.of());
        // The whole hashed window matched: all of the prompt but its last block counts as cached.
        assertThat(router.load(A).prefillPending()).isEqualTo(CONTEXT_TOKENS + 40 + Strategies.DEFAULT_BLOCK_TOKENS);
    }

    @Test
    void withoutMaxTokensTheExpectedOutputIsLearnedFromAnswers() {
        Router router = router("work");
        router.update(EndpointSnapshot.of(List.of(A)));
        for (int i = 0; i < 200; i++) {
            router.answered("m", 700);
            clock.advance(Duration.ofMillis(100));
        }

        router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 10, 0), Set.of());

        assertThat(router.load(A).decodePending()).isEqualTo(700);
    }

    private Router router(String strategy) {
        SplittableRandom random = new SplittableRandom(7);
        return new Router(Strategies.named(strategy, RoutingSettings.defaults(), () -> random), RoutingSettings.defaults(),
                clock);
    }

    private static RouteRequest tenantQuestion() {
        return prompt(CONTEXT_TOKENS + 40, TENANT);
    }

    private static RouteRequest prompt(int tokens, long[] prefix) {
        return new RouteRequest(ApiRoute.CHAT, "m", true, prefix == null ? new long[0] : prefix, tokens, 100);
    }
}
