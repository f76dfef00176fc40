package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PeerShareTest {

    private static final long STALE = Duration.ofSeconds(1).toNanos();
    private static final long PEER = 7;
    private static final long OTHER_PEER = 8;

    @Test
    void whatAPeerDispatchedSinceTheScrapeIsAddedAsTheGatewaysOwnIs() {
        EndpointLoad load = new EndpointLoad();
        load.peers().report(PEER, 10, 4); // before the scrape: in the scraped queue already
        load.scraped(2, 4, 0.5, Set.of("m"), 0);
        load.peers().report(PEER, 13, 5);
        load.dispatched(1);

        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(6 + 1 + (3 - 1));
        assertThat(load.estimatedLoad(0, STALE, false)).isEqualTo(6);
    }

    @Test
    void aLostReportIsHealedByTheNextBecauseCountsAreCumulative() {
        EndpointLoad healed = new EndpointLoad();
        EndpointLoad allHeard = new EndpointLoad();
        for (EndpointLoad load : new EndpointLoad[] {healed, allHeard}) {
            load.peers().report(PEER, 0, 0);
            load.scraped(0, 0, 0, Set.of(), 0);
        }
        allHeard.peers().report(PEER, 5, 1);
        // healed never heard (5, 1): that datagram was lost
        allHeard.peers().report(PEER, 9, 2);
        healed.peers().report(PEER, 9, 2);

        assertThat(healed.estimatedLoad(0, STALE, true)).isEqualTo(7).isEqualTo(allHeard.estimatedLoad(0, STALE, true));
    }

    @Test
    void aReportThatRepeatsTheLastChangesNothingAndTellsNoOne() {
        int[] changes = {0};
        PeerShare share = new PeerShare(() -> changes[0]++);
        share.report(PEER, 5, 1);
        share.report(PEER, 5, 1);
        assertThat(changes[0]).isEqualTo(1);
        assertThat(share.inflight()).isEqualTo(4);
        share.report(PEER, 6, 1);
        assertThat(changes[0]).isEqualTo(2);
        assertThat(share.inflight()).isEqualTo(5);
    }

    @Test
    void thePeersPendingWorkIsAddedToTheGatewaysOwn() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(1, 300, 200, 500);
        load.peers().report(PEER, 4, 1, 1_000, 700);
        load.peers().report(OTHER_PEER, 2, 0, 250, 100);

        assertThat(load.prefillPendingWithPeers()).isEqualTo(300 + 1_000 + 250);
        assertThat(load.decodePendingWithPeers()).isEqualTo(200 + 700 + 100);

        // The latest report stands: the first token came, the prompt is no longer ahead.
        load.peers().report(PEER, 4, 1, 0, 650);
        assertThat(load.prefillPendingWithPeers()).isEqualTo(300 + 250);
        load.peers().forget(OTHER_PEER);
        assertThat(load.decodePendingWithPeers()).isEqualTo(200 + 650);
    }

    @Test
    void aPeerFirstHeardAfterTheScrapeCountsFromItsFirstReportOn() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(3, 0, 0, Set.of(), 0);
        load.peers().report(PEER, 100, 99);
        load.peers().report(PEER, 102, 99);

        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(3 + 2);
    }

    @Test
    void theScrapeResetsThePeersBaseline() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(0, 0, 0, Set.of(), 0);
        load.peers().report(PEER, 0, 0);
        load.peers().report(PEER, 4, 0);
        load.scraped(4, 0, 0, Set.of(), 10);

        assertThat(load.peers().sinceScrape()).isZero();
        assertThat(load.estimatedLoad(10, STALE, true)).isEqualTo(4);
    }

    @Test
    void aForgottenPeerTakesItsContributionWithIt() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(1, 0, 0, Set.of(), 0);
        load.peers().report(PEER, 0, 0);
        load.peers().report(OTHER_PEER, 0, 0);
        load.peers().report(PEER, 3, 0);
        load.peers().report(OTHER_PEER, 2, 0);
        load.peers().forget(PEER);

        assertThat(load.peers().peers()).isEqualTo(1);
        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(1 + 2);
    }

    @Test
    void countsThatGoBackStartThePeerAfresh() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(0, 0, 0, Set.of(), 0);
        load.peers().report(PEER, 50, 40);
        load.peers().report(PEER, 55, 40);
        load.peers().report(PEER, 1, 0); // it dropped the replica and counts it anew

        assertThat(load.peers().sinceScrape()).isZero();
        assertThat(load.peers().inflight()).isEqualTo(1);
    }

    @Test
    void withAStaleScrapeThePeersOpenRequestsCountAsTheGatewaysOwn() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(1);
        load.peers().report(PEER, 6, 2);

        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(1 + 4);
    }

    @Test
    void withoutPeersNothingChanges() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(2, 3, 0, Set.of(), 0);
        load.dispatched(1);

        assertThat(load.peers().peers()).isZero();
        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(6);
    }
}
