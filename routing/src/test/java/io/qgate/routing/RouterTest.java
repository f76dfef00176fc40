package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", false);

    @Test
    void roundRobinVisitsEveryAcceptingEndpointInTurn() {
        Router router = new Router(Strategies.roundRobin());
        router.update(EndpointSnapshot.of(List.of(
                Endpoint.of("10.0.0.2", 80), Endpoint.of("10.0.0.1", 80),
                Endpoint.of("10.0.0.3", 80).withTerminating(true))));

        List<String> picks = List.of(
                router.dispatch(CHAT, Set.of()).endpoint().authority(),
                router.dispatch(CHAT, Set.of()).endpoint().authority(),
                router.dispatch(CHAT, Set.of()).endpoint().authority());

        assertThat(picks).containsExactly("10.0.0.1:80", "10.0.0.2:80", "10.0.0.1:80");
    }

    @Test
    void anEndpointIsIdleUntilARequestIsDispatchedToIt() {
        Router router = new Router(Strategies.roundRobin());
        assertThat(router.anyIdle()).isFalse(); // no endpoint at all

        router.update(EndpointSnapshot.of(List.of(Endpoint.of("10.0.0.1", 80),
                Endpoint.of("10.0.0.2", 80).withReady(false))));
        assertThat(router.anyIdle()).isTrue();

        Router.Dispatch busy = router.dispatch(CHAT, Set.of());
        assertThat(router.anyIdle()).as("the not-ready endpoint does not count").isFalse();

        busy.finish();
        assertThat(router.anyIdle()).isTrue();
    }

    @Test
    void aBatchCountsOncePerInputUntilItFinishes() {
        Router router = new Router(Strategies.roundRobin());
        Endpoint a = Endpoint.of("10.0.0.1", 80);
        router.update(EndpointSnapshot.of(List.of(a)));

        Router.Dispatch batch = router.dispatch(CHAT, Set.of(), 5);
        assertThat(router.load(a).inflight()).isEqualTo(5);
        batch.finish(false);
        batch.finish(false);
        assertThat(router.load(a).inflight()).isZero();
    }

    @Test
    void noEndpointMeansNoDispatch() {
        Router router = new Router(Strategies.roundRobin());
        assertThat(router.dispatch(CHAT, Set.of())).isNull();

        router.update(EndpointSnapshot.of(List.of(Endpoint.of("10.0.0.1", 80).withReady(false))));
        assertThat(router.dispatch(CHAT, Set.of())).isNull();
    }

    @Test
    void excludedEndpointsAreSkipped() {
        Router router = new Router(Strategies.roundRobin());
        Endpoint a = Endpoint.of("10.0.0.1", 80);
        Endpoint b = Endpoint.of("10.0.0.2", 80);
        router.update(EndpointSnapshot.of(List.of(a, b)));

        for (int i = 0; i < 4; i++) {
            assertThat(router.dispatch(CHAT, Set.of(a)).endpoint()).isEqualTo(b);
        }
        assertThat(router.dispatch(CHAT, Set.of(a, b))).isNull();
    }

    @Test
    void inflightCountsFollowDispatchAndFinishOnce() {
        Router router = new Router(Strategies.roundRobin());
        Endpoint a = Endpoint.of("10.0.0.1", 80);
        router.update(EndpointSnapshot.of(List.of(a)));

        Router.Dispatch first = router.dispatch(CHAT, Set.of());
        Router.Dispatch second = router.dispatch(CHAT, Set.of());
        assertThat(router.inflight(a)).isEqualTo(2);

        first.finish();
        first.finish();
        assertThat(router.inflight(a)).isEqualTo(1);
        second.finish();
        assertThat(router.inflight(a)).isZero();
    }
}
