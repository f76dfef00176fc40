package io.qgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pool queue counts only what is known now: fresh scrapes of endpoints that accept requests. */
class PoolQueueTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 4000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 4000);
    private static final Endpoint DRAINING = Endpoint.of("10.0.0.3", 4000).withTerminating(true);

    private final FakeClock clock = new FakeClock();
    private final Router router = new Router(EndpointPicker.roundRobin(), RoutingSettings.defaults(), clock);

    @Test
    void sumsTheFreshScrapedQueuesOfAcceptingEndpoints() {
        router.update(EndpointSnapshot.of(List.of(A, B, DRAINING)));
        assertThat(PoolQueue.length(router)).as("nothing scraped yet").isZero();

        router.load(A).scraped(3, 8, 0.5, Set.of(), clock.getAsLong());
        router.load(B).scraped(4, 8, 0.5, Set.of(), clock.getAsLong());
        router.load(DRAINING).scraped(100, 8, 0.5, Set.of(), clock.getAsLong());
        assertThat(PoolQueue.length(router)).as("the draining endpoint's queue is not the pool's").isEqualTo(7);

        clock.advance(Duration.ofMillis(600));
        router.load(B).scraped(1, 8, 0.5, Set.of(), clock.getAsLong());
        clock.advance(Duration.ofMillis(600));
        assertThat(PoolQueue.length(router)).as("A's scrape is older than stale-after (1 s)").isEqualTo(1);
    }
}
