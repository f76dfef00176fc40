package io.qgate.routing.peers;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.PeerShare;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PeerExchangeTest {

    private static final byte[] KEY = "a shared key of more than 16 bytes".getBytes(StandardCharsets.UTF_8);
    private static final Endpoint A = Endpoint.of("10.0.0.1", 8000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 8000);
    private static final RouteRequest CHAT = new RouteRequest(ApiRoute.CHAT, "m", false);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong wallMicros = new AtomicLong(1_800_000_000_000_000L);
    private final Router senderRouter = router();
    private final Router receiverRouter = router();
    private final PeerExchange sender = exchange(1, KEY, senderRouter);
    private final PeerExchange receiver = exchange(2, KEY, receiverRouter);

    private Router router() {
        Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), nanos::get);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        for (Endpoint endpoint : List.of(A, B)) {
            router.load(endpoint).scraped(0, 0, 0, Set.of("m"), nanos.get());
        }
        return router;
    }

    private PeerExchange exchange(long id, byte[] key, Router router) {
        return new PeerExchange(id, key, ReplicaLoads.of(() -> List.of(router)), nanos::get, wallMicros::get);
    }

    /** Sends every datagram of {@code from}'s counts now to {@code to}; returns the verdicts. */
    private List<PeerVerdict> deliver(PeerExchange from, PeerExchange to) {
        List<PeerVerdict> verdicts = new ArrayList<>();
        for (byte[] datagram : from.outgoing()) {
            verdicts.add(to.receive(datagram, datagram.length));
        }
        wallMicros.addAndGet(10_000);
        return verdicts;
    }

    private double estimate(Router router, Endpoint endpoint) {
        long now = nanos.get();
        return router.load(endpoint).estimatedLoad(now, router.settings().staleAfter().toNanos(), true);
    }

    /** Four hundred replicas known to both, more than one datagram holds, scraped empty at the receiver. */
    private List<Endpoint> manyReplicas() {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add(Endpoint.of("10.1." + (i / 250) + "." + (i % 250), 8000));
        }
        senderRouter.update(EndpointSnapshot.of(many));
        receiverRouter.update(EndpointSnapshot.of(many));
        for (Endpoint endpoint : many) {
            receiverRouter.load(endpoint).scraped(0, 0, 0, Set.of("m"), nanos.get());
            senderRouter.load(endpoint);
        }
        return many;
    }

    private void dispatch(Router router, int requests) {
        for (int i = 0; i < requests; i++) {
            router.dispatch(CHAT, List.of());
        }
    }

    @Test
    void aReceiverAddsWhatItsPeerDispatchedSinceTheScrape() {
        deliver(sender, receiver); // first heard: the baseline
        dispatch(senderRouter, 4); // round robin: two each

        assertThat(deliver(sender, receiver)).containsOnly(PeerVerdict.ACCEPTED);
        assertThat(estimate(receiverRouter, A)).isEqualTo(2);
        assertThat(estimate(receiverRouter, B)).isEqualTo(2);
        assertThat(receiver.live()).isEqualTo(1);
        assertThat(receiver.count(PeerVerdict.ACCEPTED)).isEqualTo(2);
    }

    @Test
    void aLostDatagramIsHealedByTheNext() {
        deliver(sender, receiver);
        dispatch(senderRouter, 2);
        sender.outgoing(); // lost on the way
        dispatch(senderRouter, 2);
        deliver(sender, receiver);

        assertThat(estimate(receiverRouter, A) + estimate(receiverRouter, B)).isEqualTo(4);
    }

    @Test
    void aSilentPeerAgesOutAndItsContributionWithIt() {
        deliver(sender, receiver);
        dispatch(senderRouter, 2);
        deliver(sender, receiver);
        nanos.addAndGet(PeerExchange.AGE_OUT_NANOS / 2);
        receiver.expire();
        assertThat(receiver.live()).isEqualTo(1);

        nanos.addAndGet(PeerExchange.AGE_OUT_NANOS);
        receiver.expire();

        assertThat(receiver.live()).isZero();
        EndpointLoad load = receiverRouter.load(A);
        assertThat(load.peers().peers()).isZero();
        assertThat(load.estimatedLoad(nanos.get(), Long.MAX_VALUE, true)).isZero();
    }

    @Test
    void aDatagramHeardTwiceIsAReplay() {
        dispatch(senderRouter, 2);
        byte[] datagram = sender.outgoing().get(0);

        assertThat(receiver.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.ACCEPTED);
        assertThat(receiver.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.REPLAYED);
        assertThat(receiver.count(PeerVerdict.REPLAYED)).isEqualTo(1);
    }

    @Test
    void aDatagramFromOutsideTheWindowIsAReplayEvenFromAnUnknownSender() {
        byte[] datagram = sender.outgoing().get(0);
        wallMicros.addAndGet(PeerExchange.WINDOW_MICROS + 1);

        assertThat(receiver.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.REPLAYED);
        assertThat(receiver.live()).isZero();
    }

    @Test
    void aReplayAfterThePeerAgedOutIsStillRefused() {
        byte[] first = sender.outgoing().get(0);
        receiver.receive(first, first.length);
        nanos.addAndGet(PeerExchange.AGE_OUT_NANOS + 1);
        receiver.expire();

        assertThat(receiver.receive(first, first.length)).isEqualTo(PeerVerdict.REPLAYED);
        assertThat(receiver.live()).isZero();
    }

    @Test
    void aDatagramAlteredOnTheWayIsForged() {
        dispatch(senderRouter, 2);
        byte[] datagram = sender.outgoing().get(0);
        datagram[30] ^= 1;

        assertThat(receiver.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.FORGED);
        assertThat(receiver.live()).isZero();
        assertThat(receiverRouter.load(A).peers().peers()).isZero();
    }

    @Test
    void aDatagramSignedWithAnotherKeyIsForged() {
        PeerExchange stranger = exchange(3, "another key, also long enough".getBytes(StandardCharsets.UTF_8),
                senderRouter);
        dispatch(senderRouter, 2);

        assertThat(deliver(stranger, receiver)).containsOnly(PeerVerdict.FORGED);
        assertThat(receiver.count(PeerVerdict.FORGED)).isEqualTo(1);
    }

    @Test
    void anOversizedDatagramIsNotRead() {
        byte[] huge = new byte[PeerCodec.MAX_DATAGRAM + 1];

        assertThat(receiver.receive(huge, huge.length)).isEqualTo(PeerVerdict.OVERSIZED);
        assertThat(receiver.count(PeerVerdict.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void garbageAndTruncatedDatagramsAreMalformed() {
        byte[] datagram = sender.outgoing().get(0);
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n and then some more bytes".getBytes(StandardCharsets.UTF_8);

        assertThat(receiver.receive(garbage, garbage.length)).isEqualTo(PeerVerdict.MALFORMED);
        assertThat(receiver.receive(datagram, 20)).isEqualTo(PeerVerdict.MALFORMED);
        assertThat(receiver.count(PeerVerdict.MALFORMED)).isEqualTo(2);
    }

    @Test
    void aGatewayIgnoresItsOwnDatagramsWithoutCountingThem() {
        dispatch(senderRouter, 2);
        byte[] datagram = sender.outgoing().get(0);

        assertThat(sender.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.OWN);
        assertThat(sender.live()).isZero();
        for (PeerVerdict verdict : PeerVerdict.values()) {
            assertThat(sender.count(verdict)).isZero();
        }
        assertThat(estimate(senderRouter, A)).isEqualTo(1);
    }

    @Test
    void newsGoesOutAtOnceFullRoundsAtMostEveryIntervalAndLessOftenWhenQuiet() {
        long interval = 10_000_000L;
        assertThat(sender.due(interval)).as("the first round").isNotEmpty();
        nanos.addAndGet(PeerExchange.CHECK_NANOS);
        assertThat(sender.due(interval)).as("nothing new").isEmpty();

        dispatch(senderRouter, 1); // round robin: replica A
        List<byte[]> news = sender.due(interval);
        assertThat(news).as("news within the interval: at once").hasSize(1);
        assertThat(news.get(0).length).as("only the replica that moved")
                .isLessThan(sender.outgoing().get(0).length);
        assertThat(receiver.receive(news.get(0), news.get(0).length)).isEqualTo(PeerVerdict.ACCEPTED);
        nanos.addAndGet(PeerExchange.CHECK_NANOS);
        assertThat(sender.due(interval)).as("told already").isEmpty();

        nanos.addAndGet((PeerExchange.QUIET_INTERVALS - 1) * interval);
        assertThat(sender.due(interval)).isEmpty();
        nanos.addAndGet(interval);
        assertThat(sender.due(interval)).as("a quiet full round: heals a lost datagram, keeps the peer alive")
                .isNotEmpty();
    }

    /** {@code work} reads the prompts still to prefill: a first token is news, not left to the next full round. */
    @Test
    void aFirstTokenIsNewsAtOnce() {
        long interval = 10_000_000L;
        RoutingSettings settings = RoutingSettings.defaults();
        Router workRouter = new Router(Strategies.work(settings, Strategies.DEFAULT_BLOCK_TOKENS,
                Strategies.THREAD_LOCAL_RANDOM), settings, nanos::get);
        workRouter.update(EndpointSnapshot.of(List.of(A, B)));
        for (Endpoint endpoint : List.of(A, B)) {
            workRouter.load(endpoint).scraped(0, 0, 0, Set.of("m"), nanos.get());
        }
        PeerExchange from = exchange(3, KEY, workRouter);
        for (byte[] datagram : from.due(interval)) {
            receiver.receive(datagram, datagram.length);
        }
        nanos.addAndGet(PeerExchange.CHECK_NANOS);
        Router.Dispatch dispatch = workRouter.dispatch(new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 500, 40),
                List.of());
        for (byte[] datagram : from.due(interval)) {
            receiver.receive(datagram, datagram.length);
        }
        PeerShare heard = receiverRouter.load(dispatch.endpoint()).peers();
        assertThat(heard.prefillPending()).isEqualTo(500);
        nanos.addAndGet(PeerExchange.CHECK_NANOS);

        dispatch.firstToken();
        List<byte[]> news = from.due(interval);

        assertThat(news).as("news within the interval").hasSize(1);
        receiver.receive(news.get(0), news.get(0).length);
        assertThat(heard.prefillPending()).isZero();
        assertThat(heard.inflight()).as("still open: only its prompt is done").isEqualTo(1);
        dispatch.finish();
    }

    @Test
    void newsIsAddedOnTheReceiverAsAFullRoundWouldBe() {
        long interval = 10_000_000L;
        for (byte[] datagram : sender.due(interval)) {
            receiver.receive(datagram, datagram.length);
        }
        nanos.addAndGet(PeerExchange.CHECK_NANOS);
        dispatch(senderRouter, 3); // A, B, A
        for (byte[] datagram : sender.due(interval)) {
            receiver.receive(datagram, datagram.length);
        }

        assertThat(estimate(receiverRouter, A)).isEqualTo(2);
        assertThat(estimate(receiverRouter, B)).isEqualTo(1);
    }

    @Test
    void manyReplicasAreSplitIntoDatagramsThatAllArrive() {
        List<Endpoint> many = manyReplicas();
        deliver(sender, receiver);
        dispatch(senderRouter, 400);

        List<PeerVerdict> verdicts = deliver(sender, receiver);

        assertThat(verdicts).hasSizeGreaterThan(1).containsOnly(PeerVerdict.ACCEPTED);
        for (byte[] datagram : sender.outgoing()) {
            assertThat(datagram.length).isLessThanOrEqualTo(PeerCodec.MAX_DATAGRAM);
        }
        for (Endpoint endpoint : many) {
            assertThat(estimate(receiverRouter, endpoint)).isEqualTo(1);
        }
    }

    @Test
    void fullRoundsBetweenNewsAndLossesLeaveEveryReplicaAsTheSenderCountsIt() {
        long interval = 10_000_000L;
        List<Endpoint> many = manyReplicas();
        deliver(sender, receiver); // the baseline, in several parts
        for (int round = 0; round < 30; round++) {
            dispatch(senderRouter, 7); // round robin: a few replicas move in each round
            nanos.addAndGet(round % 10 == 9 ? interval : PeerExchange.CHECK_NANOS);
            List<byte[]> datagrams = sender.due(interval); // news mostly, a full round now and then
            for (int i = 0; i < datagrams.size(); i++) {
                if ((round + i) % 4 != 3) { // every fourth lost
                    receiver.receive(datagrams.get(i), datagrams.get(i).length);
                }
            }
            wallMicros.addAndGet(1_000);
        }
        deliver(sender, receiver); // a last full round heals what was lost

        for (Endpoint endpoint : many) {
            assertThat(estimate(receiverRouter, endpoint)).as("%s", endpoint)
                    .isEqualTo(senderRouter.load(endpoint).dispatchedTotal());
        }
    }

    @Test
    void aReplicaTheReceiverDroppedAndFoundAgainHearsTheNextFullRound() {
        deliver(sender, receiver);
        dispatch(senderRouter, 4); // round robin: two each, still open
        deliver(sender, receiver);
        receiverRouter.update(EndpointSnapshot.of(List.of(A)));
        receiverRouter.update(EndpointSnapshot.of(List.of(A, B)));
        assertThat(estimate(receiverRouter, B)).as("a new load state, nothing heard yet").isZero();

        deliver(sender, receiver); // the same counts as before, to a replica that is new here

        assertThat(receiverRouter.load(B).peers().peers()).isEqualTo(1);
        assertThat(estimate(receiverRouter, B)).as("the sender's open requests there").isEqualTo(2);
    }

    @Test
    void aReplicaToldAtAnotherPlaceInBetweenIsNotTakenForARepeat() {
        PeerCodec peer = new PeerCodec(KEY);
        AtomicLong sequence = new AtomicLong(wallMicros.get());
        ReplicaCounts aBefore = new ReplicaCounts(A.authority(), 5, 3);
        ReplicaCounts bBefore = new ReplicaCounts(B.authority(), 5, 3);
        List<List<ReplicaCounts>> datagrams = List.of(
                List.of(aBefore, bBefore),
                List.of(new ReplicaCounts(B.authority(), 6, 3)), // B at A's place: news
                List.of(aBefore, bBefore)); // B as two datagrams ago: it started counting afresh
        for (List<ReplicaCounts> counts : datagrams) {
            byte[] datagram = peer.encode(7, sequence::incrementAndGet, counts).get(0);
            assertThat(receiver.receive(datagram, datagram.length)).isEqualTo(PeerVerdict.ACCEPTED);
        }

        // Counts that went back are a fresh start (PeerShare): 5 dispatched, 3 finished, 2 open.
        assertThat(receiverRouter.load(B).peers().inflight()).isEqualTo(2);
        assertThat(receiverRouter.load(A).peers().inflight()).isEqualTo(2);
    }
}
