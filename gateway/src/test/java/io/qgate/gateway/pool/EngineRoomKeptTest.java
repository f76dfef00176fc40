package io.qgate.gateway.pool;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kept room against the walk over every replica ({@link EngineRoomWalk}), read at the same
 * instants on randomized fleets: scrapes (some dated a little back, so that they arrive out of
 * time order), this gateway's dispatches and finishes, peers' reports and silent peers forgotten,
 * scrapes going stale on the test's clock, replicas joining, leaving, turning unready and
 * terminating, learnt and configured limits, the allowance {@code auto} and fixed.
 */
class EngineRoomKeptTest {

    private static final RouteRequest REQUEST = new RouteRequest(ApiRoute.CHAT, "m", false);
    private static final long STALE = RoutingSettings.defaults().staleAfter().toNanos();
    private static final int STEPS = 3_000;

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 48);
    }

    /** One fleet: the router, the two rooms on it, and what the test has sent and the peers report. */
    private static final class Fleet {
        final Random random;
        long now = 1_000_000_000L;
        final Router router;
        final EngineRoom room;
        final EngineRoomWalk walk;
        final Map<Endpoint, Boolean> present = new HashMap<>();
        final List<Router.Dispatch> open = new ArrayList<>();
        /** Each replica's and peer's cumulative dispatched and finished counts, as the peer reports them. */
        final Map<String, long[]> peerCounts = new HashMap<>();
        final int maxRunning;
        /** Addresses replicas come and go at: fewer where limits are learnt, so that every replica's is known at times. */
        final int addresses;

        Fleet(int seed) {
            random = new Random(seed);
            router = new Router(Strategies.queue(RoutingSettings.defaults(), () -> random), RoutingSettings.defaults(),
                    () -> now);
            int configured = seed % 3 == 0 ? 4 + random.nextInt(12) : 0;
            int[] queues = {EngineAllowance.AUTO, 0, 1, 3};
            int engineQueue = queues[seed % queues.length];
            room = new EngineRoom(router, configured, engineQueue);
            walk = new EngineRoomWalk(router, configured, engineQueue);
            maxRunning = 4 + random.nextInt(12);
            addresses = configured > 0 ? 24 : 6;
            int size = 1 + random.nextInt(addresses);
            for (int i = 0; i < size; i++) {
                present.put(address(i), true);
            }
            publish();
        }

        static Endpoint address(int i) {
            return Endpoint.of("10.0.0." + (i + 1), 8000);
        }

        void publish() {
            List<Endpoint> endpoints = new ArrayList<>();
            present.forEach((endpoint, ready) -> {
                boolean terminating = ready && (endpoint.host().hashCode() + now / 1_000_000_000L) % 11 == 0;
                endpoints.add(new Endpoint(endpoint.host(), endpoint.port(), ready, terminating));
            });
            EndpointSnapshot snapshot = EndpointSnapshot.of(endpoints);
            router.update(snapshot);
            // As the pool does on every new set of replicas.
            room.retain(snapshot.endpoints());
            walk.retain(snapshot.endpoints());
        }

        Endpoint anyKnown() {
            List<Endpoint> known = router.snapshot().endpoints();
            return known.isEmpty() ? null : known.get(random.nextInt(known.size()));
        }

        void step() {
            int event = random.nextInt(100);
            if (event < 25) {
                scrape();
            } else if (event < 45) {
                Router.Dispatch dispatch = router.dispatch(REQUEST, Set.of(), 1 + (random.nextInt(8) == 0 ? 2 : 0));
                if (dispatch != null) {
                    open.add(dispatch);
                }
            } else if (event < 62) {
                if (!open.isEmpty()) {
                    open.remove(random.nextInt(open.size())).finish();
                }
            } else if (event < 76) {
                peerReport();
            } else if (event < 90) {
                // Mostly a few scrape intervals; now and then past staleness, or past the allowance's memory.
                int kind = random.nextInt(40);
                now += kind == 0 ? EngineAllowance.MEMORY.toNanos() + 1
                        : kind < 6 ? STALE + random.nextInt(2_000_000_000)
                        : random.nextInt(300_000_000);
            } else if (event < 92) {
                changeReplicas();
            }
        }

        void scrape() {
            Endpoint endpoint = anyKnown();
            if (endpoint == null) {
                return;
            }
            EndpointLoad load = router.load(endpoint);
            // Now and then dated back within staleness: scrapes that land out of time order.
            long at = random.nextInt(4) == 0 ? now - random.nextInt((int) Math.min(STALE, Integer.MAX_VALUE)) : now;
            int running = random.nextInt(maxRunning + 1);
            int waiting = random.nextBoolean() ? random.nextInt(5) : 0;
            load.scraped(waiting, running, random.nextDouble(), Set.of(), at);
        }

        void peerReport() {
            Endpoint endpoint = anyKnown();
            if (endpoint == null) {
                return;
            }
            long peer = 1 + random.nextInt(3);
            EndpointLoad load = router.load(endpoint);
            if (random.nextInt(8) == 0) {
                load.peers().forget(peer);
                peerCounts.remove(endpoint.authority() + "/" + peer);
                return;
            }
            long[] counts = peerCounts.computeIfAbsent(endpoint.authority() + "/" + peer, k -> new long[2]);
            counts[0] += random.nextInt(4);
            counts[1] = Math.min(counts[0], counts[1] + random.nextInt(4));
            load.peers().report(peer, counts[0], counts[1]);
        }

        void changeReplicas() {
            Endpoint endpoint = address(random.nextInt(addresses));
            Boolean ready = present.get(endpoint);
            if (ready == null) {
                present.put(endpoint, true);
            } else if (random.nextBoolean()) {
                present.put(endpoint, !ready);
            } else {
                present.remove(endpoint);
                // Requests open there finish as the pod goes.
                open.removeIf(dispatch -> {
                    boolean there = dispatch.endpoint().sameAddress(endpoint);
                    if (there) {
                        dispatch.finish();
                    }
                    return there;
                });
                peerCounts.keySet().removeIf(key -> key.startsWith(endpoint.authority() + "/"));
            }
            publish();
        }
    }

    @ParameterizedTest(name = "fleet {0}")
    @MethodSource("seeds")
    void theKeptRoomIsTheWalksAtEveryRead(int seed) {
        Fleet fleet = new Fleet(seed);
        Set<Integer> seen = new HashSet<>();
        int bounded = 0;
        for (int step = 0; step < STEPS; step++) {
            fleet.step();
            // Not after every step: several changes between two reads are recomputed at once.
            if (fleet.random.nextInt(3) == 0) {
                int kept = fleet.room.getAsInt();
                assertThat(kept).as("seed %d, step %d", seed, step).isEqualTo(fleet.walk.getAsInt());
                seen.add(kept);
                bounded += kept < Integer.MAX_VALUE ? 1 : 0;
            }
        }
        fleet.open.forEach(Router.Dispatch::finish);
        assertThat(fleet.room.getAsInt()).isEqualTo(fleet.walk.getAsInt());
        // The fleet went through many rooms, most of them bounded: the comparison was not of constants.
        assertThat(seen).as("distinct rooms of fleet %d", seed).hasSizeGreaterThan(3);
        assertThat(bounded).as("bounded reads of fleet %d", seed).isGreaterThan(20);
    }

    @Test
    void reportsOnOtherThreadsDuringReadsAreAllCountedOnceTheyStop() throws Exception {
        long now = 1_000_000_000L;
        Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), () -> now);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            endpoints.add(Endpoint.of("10.0.1." + (i + 1), 8000));
        }
        router.update(EndpointSnapshot.of(endpoints));
        EngineRoom room = new EngineRoom(router, 8, 2);
        EngineRoomWalk walk = new EngineRoomWalk(router, 8, 2);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            boolean reads = t >= 2;
            threads.add(new Thread(() -> {
                Random random = new Random(seed);
                try {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (reads) {
                            assertThat(room.getAsInt()).isBetween(0, 64 * 10);
                            continue;
                        }
                        EndpointLoad load = router.load(endpoints.get(random.nextInt(endpoints.size())));
                        if (random.nextBoolean()) {
                            load.scraped(random.nextInt(3), random.nextInt(10), 0.5, Set.of(), now);
                        } else {
                            load.peers().report(seed + 1, 1_000L * i + random.nextInt(5), 1_000L * i);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "room-" + t));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }
        assertThat(failure.get()).isNull();
        assertThat(room.getAsInt()).isEqualTo(walk.getAsInt());
    }
}
