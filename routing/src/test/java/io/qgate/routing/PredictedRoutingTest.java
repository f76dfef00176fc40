package io.qgate.routing;

import static io.qgate.routing.Replicas.A;
import static io.qgate.routing.Replicas.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.qgate.routing.metrics.EngineCounters;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The predicted strategy: each replica's fitted speed, learned from first tokens on a fake clock. */
class PredictedRoutingTest {

    private final FakeClock clock = new FakeClock();

    static Stream<Arguments> theFitFindsTheReplicasLine() {
        // {fixed ms, ms per token of work}: the fit recovers both from answers at varied work.
        return Stream.of(Arguments.of(70.0, 0.04), Arguments.of(20.0, 0.5), Arguments.of(300.0, 0.0));
    }

    @ParameterizedTest(name = "{0} ms + {1} ms a token")
    @MethodSource
    void theFitFindsTheReplicasLine(double fixedMs, double msPerToken) {
        TtftFit fit = new TtftFit();
        assertThat(fit.predict(1000)).isNaN();
        for (int i = 0; i < 200; i++) {
            double work = 100 + (i % 10) * 500;
            fit.observe(work, (fixedMs + msPerToken * work) / 1000);
        }
        assertThat(fit.predict(2000) * 1000).isCloseTo(fixedMs + msPerToken * 2000, offset(0.5));
    }

    @Test
    void aReplicaThatAnswersSlowerForTheSameWorkIsAvoided() {
        SplittableRandom random = new SplittableRandom(5);
        Router router = new Router(Strategies.named("predicted", RoutingSettings.defaults(), () -> random),
                RoutingSettings.defaults(), clock);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        // A answers at 0.1 ms a prompt token, B at 1 ms, for prompts of varied length.
        for (int i = 0; i < 20; i++) {
            int tokens = 200 + 100 * (i % 5);
            answer(router, tokens, A, B, 0.1);
            answer(router, tokens, B, A, 1.0);
        }
        // B now has less work queued (A holds one unstarted prompt), but A still answers sooner.
        router.dispatch(prompt(1000), Set.of(B));

        for (int i = 0; i < 10; i++) {
            Router.Dispatch next = router.dispatch(prompt(300), Set.of());
            assertThat(next.endpoint()).isEqualTo(A);
            next.finish(false);
        }
    }

    static Stream<Arguments> theEnginesOwnCountersAloneTellTheFasterReplica() {
        // {A's ms per uncached prompt token, B's}: the engines report it before the gateway has seen an answer.
        return Stream.of(Arguments.of(0.1, 1.0, A), Arguments.of(1.0, 0.1, B));
    }

    @ParameterizedTest(name = "A {0} ms a token, B {1} -> {2}")
    @MethodSource
    void theEnginesOwnCountersAloneTellTheFasterReplica(double msPerTokenA, double msPerTokenB, Endpoint expected) {
        SplittableRandom random = new SplittableRandom(5);
        Router router = new Router(Strategies.named("predicted", RoutingSettings.defaults(), () -> random),
                RoutingSettings.defaults(), clock);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        double[] prompt = new double[2];
        double[] seconds = new double[2];
        for (int i = 0; i <= 20; i++) {
            double tokens = 200 + 150 * (i % 5);
            prompt[0] += 4 * tokens;
            prompt[1] += 4 * tokens;
            seconds[0] += 4 * (0.02 + msPerTokenA * tokens / 1000);
            seconds[1] += 4 * (0.02 + msPerTokenB * tokens / 1000);
            clock.advance(Duration.ofMillis(100));
            scrape(router.load(A), prompt[0], seconds[0], 4.0 * i);
            scrape(router.load(B), prompt[1], seconds[1], 4.0 * i);
        }

        Router.Dispatch next = router.dispatch(prompt(2000), Set.of());

        assertThat(next.endpoint()).isEqualTo(expected);
    }

    private void scrape(EndpointLoad load, double promptTokens, double prefillSeconds, double prefills) {
        load.scraped(0, 1, 0.1, Set.of(), clock.getAsLong());
        load.engineCounters(new EngineCounters(promptTokens, 0, prefillSeconds, prefills,
                Double.NaN, Double.NaN));
    }

    private void answer(Router router, int tokens, Endpoint to, Endpoint not, double msPerToken) {
        Router.Dispatch dispatch = router.dispatch(prompt(tokens), Set.of(not));
        clock.advance(Duration.ofNanos((long) (msPerToken * tokens * 1_000_000)));
        dispatch.firstToken();
        dispatch.finish(false);
    }

    private static RouteRequest prompt(int tokens) {
        return new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], tokens, 50);
    }
}
