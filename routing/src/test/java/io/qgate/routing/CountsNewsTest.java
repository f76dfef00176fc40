package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

class CountsNewsTest {

    private static final List<Endpoint> FLEET = List.of(Endpoint.of("10.0.0.1", 8000),
            Endpoint.of("10.0.0.2", 8000), Endpoint.of("10.0.0.3", 8000), Endpoint.of("10.0.0.4", 8000));

    private final LoadTable table = new LoadTable();

    CountsNewsTest() {
        table.update(EndpointSnapshot.of(FLEET));
    }

    private List<String> news() {
        List<String> news = new ArrayList<>();
        table.forEachNews((address, load) -> news.add(address));
        return news;
    }

    private List<String> fullRoundOrder() {
        List<String> all = new ArrayList<>();
        table.forEach((address, load) -> all.add(address));
        return all;
    }

    @Test
    void aReplicaWhoseCountsMovedIsNewsOnceForAWholeBurst() {
        assertThat(news()).as("first asked: every replica").containsExactlyElementsOf(fullRoundOrder());
        assertThat(news()).as("nothing moved").isEmpty();

        EndpointLoad second = table.load(FLEET.get(1));
        second.dispatched(1);
        second.dispatched(1);
        second.finished(1);

        assertThat(news()).containsExactly(FLEET.get(1).authority());
        assertThat(news()).as("told already").isEmpty();
        second.finished(1);
        assertThat(news()).as("a move after it was taken is news again").containsExactly(FLEET.get(1).authority());
    }

    @Test
    void newsComesInTheOrderOfAFullRoundWhateverTheOrderOfTheMoves() {
        news();
        for (int i = FLEET.size() - 1; i >= 0; i--) {
            table.load(FLEET.get(i)).dispatched(1);
        }

        assertThat(news()).containsExactlyElementsOf(fullRoundOrder());
    }

    @Test
    void aReplicaAddedOrDroppedMakesEveryReplicaNewsOnceAndADroppedOneNeverAgain() {
        news();
        EndpointLoad dropped = table.load(FLEET.get(0));
        table.update(EndpointSnapshot.of(FLEET.subList(1, FLEET.size())));

        assertThat(news()).containsExactlyElementsOf(fullRoundOrder()).doesNotContain(FLEET.get(0).authority());
        dropped.dispatched(1); // a dispatch in progress still holds it
        assertThat(news()).isEmpty();

        table.update(EndpointSnapshot.of(FLEET));
        assertThat(news()).containsExactlyElementsOf(fullRoundOrder()).contains(FLEET.get(0).authority());
    }

    @Test
    void beforeAnExchangeAsksNothingIsHeldAndItsFirstAskHandsOutEveryReplica() {
        EndpointLoad load = table.load(FLEET.get(3));
        load.dispatched(1); // no exchange yet: marked, not queued

        assertThat(news()).containsExactlyElementsOf(fullRoundOrder());
        load.dispatched(1);
        assertThat(news()).as("its mark was cleared: it queues itself again").containsExactly(FLEET.get(3).authority());
    }

    @Test
    void aMoveMadeWhileTheExchangeReadsTheCountsIsNewsAgainNextTime() {
        news();
        table.load(FLEET.get(2)).dispatched(1);

        // Another thread's dispatch between the exchange taking the replica and reading its counts.
        table.forEachNews((address, load) -> load.dispatched(1));

        assertThat(news()).containsExactly(FLEET.get(2).authority());
    }

    @Test
    void noMoveIsLostWhileDispatchesOnSeveralThreadsRaceTheExchange() throws InterruptedException {
        news();
        Map<String, long[]> lastSeen = new HashMap<>();
        long moves = 0;
        // Many short races: each end of one is a chance for a move to slip between the exchange's reads.
        for (int race = 0; race < 100; race++) {
            moves += race(4, 1_000, lastSeen);
            for (Endpoint endpoint : FLEET) {
                EndpointLoad load = table.load(endpoint);
                assertThat(lastSeen.get(endpoint.authority()))
                        .as("what the exchange last read of %s after race %d", endpoint, race)
                        .containsExactly(load.dispatchedTotal(), load.finishedTotal());
            }
        }
        assertThat(FLEET.stream().mapToLong(endpoint -> table.load(endpoint).finishedTotal()).sum()).isEqualTo(moves);
        assertThat(news()).as("nothing moved since").isEmpty();
    }

    /**
     * {@code threads} threads dispatch and finish {@code each} requests over the fleet while the
     * exchange takes the news and reads the counts, as it does before telling the peers, into
     * {@code lastSeen}; then the exchange's next round after the last move. Returns the requests.
     */
    private long race(int threads, int each, Map<String, long[]> lastSeen) throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> dispatchers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    EndpointLoad load = table.load(FLEET.get((i + offset) % FLEET.size()));
                    load.dispatched(1);
                    load.finished(1);
                }
                finished.countDown();
            });
            dispatchers.add(thread);
            thread.start();
        }
        BiConsumer<String, EndpointLoad> read = (address, load) ->
                lastSeen.put(address, new long[] {load.dispatchedTotal(), load.finishedTotal()});
        Thread exchange = new Thread(() -> {
            while (!done.get()) {
                table.forEachNews(read);
            }
        });
        exchange.start();
        assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
        done.set(true);
        exchange.join();
        for (Thread thread : dispatchers) {
            thread.join();
        }
        table.forEachNews(read);
        return (long) threads * each;
    }
}
