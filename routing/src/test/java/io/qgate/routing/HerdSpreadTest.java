package io.qgate.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A pick spread over the least loaded replicas while peers have requests on their way that this
 * gateway has not heard of ({@link HerdSpread}, {@link PeerPace}). The fleet: one replica idle,
 * twenty with one request, the rest with three. With nine unseen requests, ten requests (the nine
 * and this one) poured over it fill the idle replica and the twenty to a level of 30/21: the idle
 * one takes 10/7 of them, each of the twenty 3/7 (a share of 1/7 and 3/70 of the picks), and the
 * replicas with three none.
 */
class HerdSpreadTest {

    private static final RoutingSettings SETTINGS = RoutingSettings.defaults();
    private static final int REPLICAS = 100;
    private static final int DRAWS = 7_000;

    @ParameterizedTest
    @CsvSource({"queue, false", "queue, true", "work, false", "work, true"})
    void withNoPeersTheLeastLoadedIsTakenEveryTime(String strategy, boolean fullScan) {
        Fleet fleet = new Fleet(strategy, fullScan, 0);

        Map<Endpoint, Integer> picks = fleet.picks();

        assertThat(picks).containsOnlyKeys(fleet.idle);
    }

    /** For {@code work} too: with nothing to prefill anywhere, the loads decide, as its picker's tie-break does. */
    @ParameterizedTest
    @CsvSource({"queue, false", "queue, true", "work, false", "work, true"})
    void unseenRequestsSpreadThePicksAsWaterFillsTheLeastLoaded(String strategy, boolean fullScan) {
        Fleet fleet = new Fleet(strategy, fullScan, 9);

        Map<Endpoint, Integer> picks = fleet.picks();

        assertThat(fleet.endpoints.subList(0, 21)).containsAll(picks.keySet());
        assertThat(picks.get(fleet.idle) / (double) DRAWS).isCloseTo(1.0 / 7, within(0.02));
        int busy = DRAWS - picks.get(fleet.idle);
        assertThat(busy / 20.0 / DRAWS).isCloseTo(3.0 / 70, within(0.01));
        assertThat(picks).hasSizeGreaterThan(18);
    }

    @Test
    void withoutTheSpreadTheLeastLoadedIsTakenWhateverThePeersSend() {
        Fleet fleet = new Fleet("queue", false, 9);
        Router baseline = new Router(fleet.router.strategy().withoutSpread(), SETTINGS, fleet.clock);
        baseline.update(EndpointSnapshot.of(fleet.endpoints));
        feedPeers(baseline, fleet.clock, 9);
        for (int i = 0; i < REPLICAS; i++) {
            baseline.load(fleet.endpoints.get(i)).scraped(0, i == 0 ? 0 : i <= 20 ? 1 : 3, 0.1, Set.of("m"),
                    fleet.clock.getAsLong());
        }

        for (int i = 0; i < 200; i++) {
            Decision decision = new Decision().reset(new RouteRequest(ApiRoute.CHAT, "m", true), Set.of(),
                    baseline.table(), SETTINGS, SETTINGS.staleAfter().toNanos(), fleet.clock.getAsLong());
            assertThat(decision.endpoint(baseline.strategy().choose(decision))).isEqualTo(fleet.idle);
        }
        assertThat(baseline.peersUnseen()).isGreaterThan(8);
    }

    @Test
    void aRequestWithAPrefixToWeighIsNotSpread() {
        Fleet fleet = new Fleet("queue", false, 9);
        long[] prefix = PrefixHasher.hash("a shared system prompt ".repeat(20), 64, 32);

        for (int i = 0; i < 200; i++) {
            Decision decision = fleet.decision(new RouteRequest(ApiRoute.CHAT, "m", true, prefix));
            int chosen = fleet.router.strategy().choose(decision);
            assertThat(decision.endpoint(chosen)).isEqualTo(fleet.idle);
        }
    }

    @Test
    void workSpreadsItsPicksToo() {
        Random random = new Random(3);
        FakeClock clock = new FakeClock();
        Router router = new Router(Strategies.work(SETTINGS, Strategies.DEFAULT_BLOCK_TOKENS, () -> random),
                SETTINGS, clock);
        List<Endpoint> endpoints = endpoints();
        router.update(EndpointSnapshot.of(endpoints));
        for (Endpoint endpoint : endpoints) {
            router.load(endpoint).scraped(0, 0, 0.1, Set.of("m"), clock.getAsLong());
        }
        feedPeers(router, clock, 9);
        Map<Endpoint, Integer> picks = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            Decision decision = new Decision().reset(new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 100, 50),
                    Set.of(), router.table(), SETTINGS, SETTINGS.staleAfter().toNanos(), clock.getAsLong());
            picks.merge(decision.endpoint(router.strategy().choose(decision)), 1, Integer::sum);
        }
        // Every replica is idle: ten prompts of work poured over a hundred idle replicas spread over many.
        assertThat(picks).hasSizeGreaterThan(50);
    }

    @Test
    void thePaceIsThePeersRateTimesTheirLag() {
        PeerPace pace = new PeerPace();
        long now = 0;
        // 20 requests every millisecond, heard 1.5 ms late: 30 on their way.
        for (int ms = 0; ms < 2_000; ms++) {
            now = ms * 1_000_000L;
            pace.heard(20, 1_500_000L, now);
        }

        assertThat(pace.unseen(now)).isCloseTo(30.0, within(0.5));
        assertThat(pace.unseen(now + PeerPace.QUIET_NANOS + 1)).isZero();
    }

    @Test
    void theRouterPacesThePeersFromTheirReports() {
        FakeClock clock = new FakeClock();
        Router router = new Router(Strategies.queue(SETTINGS, Strategies.THREAD_LOCAL_RANDOM), SETTINGS, clock);
        List<Endpoint> endpoints = endpoints();
        router.update(EndpointSnapshot.of(endpoints));

        feedPeers(router, clock, 12);

        assertThat(router.table().peerPace().unseen(clock.getAsLong())).isCloseTo(12.0, within(0.5));
    }

    /**
     * Reports, for half a second, a peer dispatching to every replica in turn at the pace that
     * leaves {@code unseen} requests unheard with a lag of a millisecond and a half.
     */
    private static void feedPeers(Router router, FakeClock clock, double unseen) {
        List<Endpoint> endpoints = router.snapshot().endpoints();
        long lag = 1_500_000L;
        long perMilli = Math.round(unseen / 1.5);
        long[] sent = new long[endpoints.size()];
        int next = 0;
        for (int ms = 0; ms < 500; ms++) {
            clock.advance(Duration.ofMillis(1));
            for (int k = 0; k < perMilli; k++, next = (next + 1) % endpoints.size()) {
                PeerShare share = router.load(endpoints.get(next)).peers();
                // A first report is the peer's baseline: it tells of no dispatch.
                share.report(42, sent[next], sent[next], 0, 0, lag);
                sent[next]++;
                share.report(42, sent[next], sent[next], 0, 0, lag);
            }
        }
    }

    private static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            endpoints.add(Endpoint.of("10.4.0." + i, 8000));
        }
        return endpoints;
    }

    /** The fleet of the class comment behind one router of {@code strategy}, its peers leaving {@code unseen} requests unheard. */
    private static final class Fleet {
        final FakeClock clock = new FakeClock();
        final Random random = new Random(11);
        final Router router;
        final List<Endpoint> endpoints = endpoints();
        final Endpoint idle = endpoints.get(0);

        Fleet(String strategy, boolean fullScan, double unseen) {
            RoutingStrategy routing = Strategies.named(strategy, SETTINGS, () -> random);
            router = new Router(fullScan ? routing.withoutIndex() : routing, SETTINGS, clock);
            router.update(EndpointSnapshot.of(endpoints));
            if (unseen > 0) {
                feedPeers(router, clock, unseen);
            }
            for (int i = 0; i < REPLICAS; i++) {
                // Dispatched and finished as many as reported: the peers add nothing to any load.
                router.load(endpoints.get(i)).scraped(0, i == 0 ? 0 : i <= 20 ? 1 : 3, 0.1, Set.of("m"),
                        clock.getAsLong());
            }
        }

        Decision decision(RouteRequest request) {
            return new Decision().reset(request, Set.of(), router.table(), SETTINGS, SETTINGS.staleAfter().toNanos(),
                    clock.getAsLong());
        }

        /** Where {@link #DRAWS} decisions at this instant go, none of them dispatched. */
        Map<Endpoint, Integer> picks() {
            Map<Endpoint, Integer> picks = new HashMap<>();
            for (int i = 0; i < DRAWS; i++) {
                Decision decision = decision(new RouteRequest(ApiRoute.CHAT, "m", true));
                picks.merge(decision.endpoint(router.strategy().choose(decision)), 1, Integer::sum);
            }
            return picks;
        }
    }
}
