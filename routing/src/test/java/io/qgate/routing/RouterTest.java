package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    void anyIdleNeverAnswersWronglyYesAndFindsAnIdleReplicaWithinASweepOfTheFleet() {
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), () -> 1L);
            int size = 1 + random.nextInt(300);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Endpoint endpoint = Endpoint.of("10.8." + (i / 256) + "." + (i % 256), 80);
                endpoints.add(random.nextInt(10) == 0 ? endpoint.withReady(false) : endpoint);
            }
            router.update(EndpointSnapshot.of(endpoints));
            List<Router.Dispatch> open = new ArrayList<>();
            for (int round = 0; round < 40; round++) {
                // Loads move between calls: most replicas busy, now and then one idle, sometimes none.
                for (Endpoint endpoint : endpoints) {
                    router.load(endpoint).scraped(0, random.nextInt(size) < 3 ? 0 : 1 + random.nextInt(3),
                            0.5, Set.of("m"), 1L);
                }
                if (!open.isEmpty() && random.nextBoolean()) {
                    open.remove(random.nextInt(open.size())).finish();
                }
                Router.Dispatch dispatch = router.dispatch(CHAT, Set.of());
                if (dispatch != null) {
                    open.add(dispatch);
                }
                boolean idle = anyIdleByScan(router);
                int sweep = size / Router.IDLE_CHECKS + 2;
                boolean found = false;
                for (int call = 0; call < sweep && !found; call++) {
                    found = router.anyIdle();
                    assertThat(!found || idle).as("seed %d: true only when a replica is idle", seed).isTrue();
                }
                assertThat(found).as("seed %d round %d: found within a sweep", seed, round).isEqualTo(idle);
            }
        }
    }

    private static boolean anyIdleByScan(Router router) {
        for (Endpoint endpoint : router.snapshot().accepting()) {
            if (router.load(endpoint).estimatedLoad(1L, Long.MAX_VALUE, true) < 0.5 && !router.ejected(endpoint)) {
                return true;
            }
        }
        return false;
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
