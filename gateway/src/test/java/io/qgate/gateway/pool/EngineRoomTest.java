package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The engines' room, from configured and from learnt batch limits, on the router's clock. */
class EngineRoomTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 8000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 8000);

    private long now = 1_000_000_000L;
    private final Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), () -> now);

    @Test
    void unknownLimitsHoldNothingAndAQueueTeachesTheLimit() {
        router.update(EndpointSnapshot.of(List.of(A, B)));
        EngineRoom room = new EngineRoom(router, 0, 2);
        router.load(A).scraped(0, 3, 0.1, Set.of(), now);
        router.load(B).scraped(0, 1, 0.1, Set.of(), now);
        assertThat(room.getAsInt()).as("no limit known yet").isEqualTo(Integer.MAX_VALUE);

        // Both engines showed a queue while running 4: that is their batch limit.
        router.load(A).scraped(2, 4, 0.9, Set.of(), now);
        router.load(B).scraped(1, 4, 0.9, Set.of(), now);
        // Other gateways' requests fill them: A holds 6, B 5, of 4 + 2 each.
        assertThat(room.getAsInt()).isEqualTo(0 + 1);

        router.load(A).scraped(0, 2, 0.5, Set.of(), now);
        router.load(B).scraped(0, 0, 0.0, Set.of(), now);
        assertThat(room.learnedLimit(A)).isEqualTo(4);
        assertThat(room.getAsInt()).isEqualTo(4 + 6);
    }

    @Test
    void thisGatewaysOwnRequestsAreNotCountedAsOthersAndNeedNoEngineQueue() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom fixed = new EngineRoom(router, 8, 0);
        EngineRoom auto = new EngineRoom(router, 8, EngineAllowance.AUTO);
        router.load(A).scraped(0, 0, 0.0, Set.of(), now);
        Router.Dispatch mine = router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), Set.of());
        router.load(A).scraped(0, 1, 0.0, Set.of(), now);

        // One request at the engine, and it is this gateway's: all 8 slots are this gateway's to use,
        // and auto adds no allowance, since this gateway sees that request's finish as it happens.
        assertThat(fixed.getAsInt()).isEqualTo(8);
        assertThat(auto.getAsInt()).isEqualTo(8);
        mine.finish();
    }

    @Test
    void aStaleScrapeKeepsTheLimitAndCountsWhatTheGatewaysHaveOpenAndGoneReplicasAreForgotten() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom room = new EngineRoom(router, 0, 2);
        router.load(A).scraped(3, 4, 1.0, Set.of(), now);
        assertThat(room.getAsInt()).isZero();
        Router.Dispatch mine = router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), Set.of());

        // No scrape for a while: the learnt limit stands, and the engine holds what this gateway sent.
        now += router.settings().staleAfter().toNanos() + 1;
        assertThat(room.getAsInt()).isEqualTo(4 + 2);
        mine.finish();

        room.retain(List.of(B));
        assertThat(room.learnedLimit(A)).isZero();
    }

    @Test
    void autoAllowsAFewOnceScrapesKeepShowingLoadNoPeerAccountsForThenForgetsIt() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom room = new EngineRoom(router, 4, EngineAllowance.AUTO);
        // Three requests of a gateway this one does not hear from: counted as others at once,
        // but the allowance waits until the scrapes have kept showing them.
        router.load(A).scraped(0, 3, 0.0, Set.of(), now);
        assertThat(room.getAsInt()).isEqualTo(4 - 3);
        now += EngineAllowance.CONFIRM.toNanos();
        router.load(A).scraped(0, 3, 0.0, Set.of(), now);
        assertThat(room.getAsInt()).isEqualTo(4 + EngineAllowance.FEW - 3);

        // The other gateway has gone quiet; the allowance stays a while, then is forgotten.
        router.load(A).scraped(0, 0, 0.0, Set.of(), now);
        assertThat(room.getAsInt()).isEqualTo(4 + EngineAllowance.FEW);
        now += EngineAllowance.MEMORY.toNanos() + 1;
        router.load(A).scraped(0, 0, 0.0, Set.of(), now);
        assertThat(room.getAsInt()).isEqualTo(4);
    }

    @Test
    void autoIgnoresUnexplainedLoadThatComesAndGoesBetweenScrapes() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom room = new EngineRoom(router, 4, EngineAllowance.AUTO);
        long step = EngineAllowance.CONFIRM.toNanos() / 2;
        for (int scrape = 0; scrape < 6; scrape++) {
            // Every other scrape is two requests off, as one read while requests end can be.
            router.load(A).scraped(0, scrape % 2 == 0 ? 2 : 0, 0.0, Set.of(), now);
            room.getAsInt();
            now += step;
        }
        router.load(A).scraped(0, 0, 0.0, Set.of(), now);

        assertThat(room.getAsInt()).isEqualTo(4);
    }

    @Test
    void autoAllowsNoEngineQueueWhenPeersReportTheLoad() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom room = new EngineRoom(router, 4, EngineAllowance.AUTO);
        // A peer reports three requests open at A, and the scrape shows them.
        router.load(A).peers().report(7, 3, 0);
        router.load(A).scraped(0, 3, 0.0, Set.of(), now);

        assertThat(room.getAsInt()).as("the peer's three are counted, with no allowance").isEqualTo(4 - 3);
    }

    @Test
    void anExplicitEngineQueueHoldsWhateverTheScrapesShow() {
        router.update(EndpointSnapshot.of(List.of(A)));
        EngineRoom room = new EngineRoom(router, 4, 0);
        router.load(A).scraped(0, 3, 0.0, Set.of(), now);

        assertThat(room.getAsInt()).isEqualTo(4 - 3);
    }
}
