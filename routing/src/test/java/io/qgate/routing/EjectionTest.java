package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EjectionTest {

    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", false);
    private static final Endpoint A = Endpoint.of("10.0.0.1", 4000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 4000);

    private final FakeClock clock = new FakeClock();
    private final RoutingSettings settings = RoutingSettings.defaults()
            .withEjection(3, Duration.ofSeconds(5), Duration.ofSeconds(12));
    private final Router router = new Router(Strategies.roundRobin(), settings, clock);

    {
        router.update(EndpointSnapshot.of(List.of(A, B)));
    }

    private void fail(Endpoint endpoint, int times) {
        for (int i = 0; i < times; i++) {
            Router.Dispatch dispatch = router.dispatch(CHAT, Set.of(otherThan(endpoint)));
            assertThat(dispatch.endpoint()).isEqualTo(endpoint);
            dispatch.finish(true);
        }
    }

    private static Endpoint otherThan(Endpoint endpoint) {
        return endpoint.equals(A) ? B : A;
    }

    @Test
    void consecutiveFailuresEjectForABackoffThatDoublesUpToTheMaximum() {
        fail(A, 2);
        assertThat(router.ejected(A)).isFalse();
        fail(A, 1);
        assertThat(router.ejected(A)).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(router.dispatch(CHAT, Set.of()).endpoint()).isEqualTo(B);
        }

        clock.advance(Duration.ofSeconds(5));
        assertThat(router.ejected(A)).isFalse();
        fail(A, 3);
        assertThat(router.ejectionRemainingMillis(A)).isEqualTo(10_000);

        clock.advance(Duration.ofSeconds(10));
        fail(A, 3);
        assertThat(router.ejectionRemainingMillis(A)).isEqualTo(12_000);
    }

    @Test
    void aSuccessResetsTheCountAndTheBackoff() {
        fail(A, 2);
        router.dispatch(CHAT, Set.of(B)).finish(false);
        fail(A, 2);
        assertThat(router.ejected(A)).isFalse();

        fail(A, 1);
        assertThat(router.ejected(A)).isTrue();
        clock.advance(Duration.ofSeconds(5));
        router.dispatch(CHAT, Set.of(B)).finish(false);
        fail(A, 3);
        assertThat(router.ejectionRemainingMillis(A)).isEqualTo(5_000);
    }

    @Test
    void whenEveryReplicaIsEjectedOneIsTriedAnyway() {
        fail(A, 3);
        fail(B, 3);

        assertThat(router.dispatch(CHAT, Set.of())).isNotNull();
    }

    @Test
    void aClientThatLeavesIsNoVerdictOnTheReplica() {
        fail(A, 2);
        router.dispatch(CHAT, Set.of(B)).finish();
        fail(A, 1);
        assertThat(router.ejected(A)).isTrue();
    }

    @Test
    void replicasKnownNotToServeTheModelAreLeftOut() {
        router.load(A).scraped(0, 0, 0.1, Set.of("llama"), clock.getAsLong());
        router.load(B).scraped(0, 0, 0.1, Set.of("mistral"), clock.getAsLong());

        for (int i = 0; i < 4; i++) {
            assertThat(router.dispatch(new RouteRequest(ApiRoute.CHAT, "mistral", false), Set.of()).endpoint())
                    .isEqualTo(B);
        }
        // A name no replica reports (a LiteLLM alias, say) filters nothing.
        assertThat(router.dispatch(new RouteRequest(ApiRoute.CHAT, "gpt-4o", false), Set.of())).isNotNull();
    }
}
