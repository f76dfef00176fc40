package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointLoadTest {

    private static final long STALE = Duration.ofSeconds(1).toNanos();

    @Test
    void withoutAScrapeTheLoadIsTheGatewaysOwnInflight() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(1);
        load.dispatched(1);

        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(2);
        assertThat(load.scrapedWaiting(0, STALE)).isNaN();
    }

    @Test
    void aFreshScrapeIsCorrectedByWhatWasDispatchedAndFinishedSince() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(1); // before the scrape: already inside the scraped numbers
        load.scraped(3, 5, 0.5, Set.of("m"), 0);
        load.dispatched(1);
        load.dispatched(1);
        load.dispatched(1);
        load.finished(1);

        // table: (correction) -> expected
        assertThat(load.estimatedLoad(10, STALE, true)).isEqualTo(3 + 5 + 3 - 1);
        assertThat(load.estimatedLoad(10, STALE, false)).isEqualTo(8);
    }

    @Test
    void othersLoadIsTheEstimateLessThisGatewaysOwnAndMovesOnlyWithScrapesPeersAndStaleness() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(2); // this gateway's two are inside the scrape's 7
        load.scraped(3, 4, 0.5, Set.of("m"), 0);
        load.peers().report(9, 3, 1);
        assertThat(load.othersLoad(0, STALE)).isEqualTo(5);

        // This gateway's dispatches and finishes move the estimate and its own count alike.
        load.dispatched(3);
        load.finished(1);
        assertThat(load.othersLoad(0, STALE)).isEqualTo(5)
                .isEqualTo(load.estimatedLoad(0, STALE, true) - load.inflight());

        load.peers().report(9, 6, 1);
        assertThat(load.othersLoad(0, STALE)).as("the peer sent three more").isEqualTo(8);
        // Stale: only what the peers have open there.
        assertThat(load.othersLoad(STALE + 1, STALE)).isEqualTo(5)
                .isEqualTo(load.estimatedLoad(STALE + 1, STALE, true) - load.inflight());
    }

    @Test
    void theCorrectionNeverGoesBelowZero() {
        EndpointLoad load = new EndpointLoad();
        load.dispatched(1);
        load.dispatched(1);
        load.scraped(0, 1, 0.1, Set.of(), 0);
        load.finished(1);
        load.finished(1);

        assertThat(load.estimatedLoad(0, STALE, true)).isZero();
    }

    @Test
    void requestsStillOnTheWayToTheEngineAreNotForgotten() {
        EndpointLoad load = new EndpointLoad();
        for (int i = 0; i < 5; i++) {
            load.dispatched(1); // sent, but the scrape came before they reached the engine
        }
        load.scraped(0, 1, 0.1, Set.of(), 0);

        assertThat(load.estimatedLoad(0, STALE, true)).isEqualTo(5);
        assertThat(load.estimatedLoad(0, STALE, false)).isEqualTo(1);
    }

    @Test
    void aStaleScrapeIsNotTrusted() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(40, 60, 0.9, Set.of(), 0);
        load.dispatched(1);

        assertThat(load.estimatedLoad(STALE, STALE, true)).isEqualTo(101);
        assertThat(load.estimatedLoad(STALE + 1, STALE, true)).isEqualTo(1);
        assertThat(load.fresh(STALE + 1, STALE)).isFalse();
        assertThat(load.kvCacheUsage(STALE + 1, STALE)).isNaN();
    }

    @Test
    void aFailedScrapeOnlyAgesTheLastOne() {
        EndpointLoad load = new EndpointLoad();
        load.scraped(2, 2, 0.2, Set.of(), 0);
        load.scrapeFailed(10);

        assertThat(load.lastScrapeFailed()).isTrue();
        assertThat(load.estimatedLoad(20, STALE, true)).isEqualTo(4);
        load.scraped(1, 1, 0.2, Set.of(), 30);
        assertThat(load.lastScrapeFailed()).isFalse();
    }
}
