package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load index under the gateway's threads: event loops dispatching, finishing and deciding at
 * once while scrapes and peers' reports come in. Afterwards every replica sits in the bucket of
 * its load, each once, and nothing was lost on the way.
 */
class LoadIndexThreadsTest {

    private static final RoutingSettings SETTINGS = RoutingSettings.defaults();
    private static final int THREADS = 4;
    private static final int OPERATIONS = 4_000;

    @Test
    void decisionsDispatchesScrapesAndReportsOnFourThreadsLeaveTheIndexTrue() throws Exception {
        for (String strategy : List.of("queue", "work")) {
            FakeClock clock = new FakeClock();
            Router router = new Router(Strategies.named(strategy, SETTINGS, Strategies.THREAD_LOCAL_RANDOM), SETTINGS,
                    clock);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                endpoints.add(Endpoint.of("10.6.0." + i, 8000));
            }
            router.update(EndpointSnapshot.of(endpoints));
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                done.add(threads.submit(() -> work(router, endpoints, clock, new SplittableRandom(seed), start)));
            }
            start.countDown();
            int decided = 0;
            for (Future<Integer> future : done) {
                decided += future.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();

            assertThat(decided).isEqualTo(THREADS * OPERATIONS / 2);
            assertThat(router.table().index().consistent(clock.getAsLong())).as(strategy).isTrue();
            for (Endpoint endpoint : endpoints) {
                assertThat(router.load(endpoint).inflight()).as("every dispatch finished").isZero();
            }
        }
    }

    /** Half the operations a decision and its dispatch, finished soon after; the rest scrapes and peers' reports. */
    private static int work(Router router, List<Endpoint> endpoints, FakeClock clock, SplittableRandom random,
                            CountDownLatch start) throws InterruptedException {
        start.await();
        List<Router.Dispatch> open = new ArrayList<>();
        int decided = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            EndpointLoad load = router.load(endpoints.get(random.nextInt(endpoints.size())));
            if (op % 2 == 0) {
                RouteRequest request = new RouteRequest(ApiRoute.CHAT, "m", true, new long[0],
                        50 + random.nextInt(400), random.nextInt(200));
                Router.Dispatch dispatch = router.dispatch(request, Set.of());
                assertThat(dispatch).isNotNull();
                open.add(dispatch);
                decided++;
            } else if (random.nextInt(3) == 0) {
                load.scraped(random.nextInt(3), random.nextInt(6), 0.1 * random.nextInt(10), Set.of("m"),
                        clock.getAsLong());
            } else {
                load.peers().report(100 + random.nextInt(2), 10 + op, 5 + op / 2);
            }
            if (open.size() > 8) {
                Router.Dispatch dispatch = open.remove(random.nextInt(open.size()));
                dispatch.firstToken();
                dispatch.finish(false);
            }
        }
        open.forEach(dispatch -> dispatch.finish(false));
        return decided;
    }
}
