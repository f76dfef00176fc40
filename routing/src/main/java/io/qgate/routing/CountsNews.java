package io.qgate.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import static java.util.Objects.requireNonNull;

/**
 * The replicas of one {@link LoadTable} whose dispatched or finished counts moved since the peer
 * exchange last asked: what its next round of news may tell. A load queues itself here on its
 * first move after it was taken ({@link EndpointLoad}), so the exchange, asking every
 * millisecond, touches the few replicas that moved instead of every replica: at a thousand
 * replicas behind ten gateways that scan was a fifth of the fleet simulation's time.
 *
 * <p>Replicas are handed out in the order in which the table's map iterates, the order of a full
 * round: the exchange sends the same datagrams as when it scanned every replica, so the
 * simulation, which draws a datagram's loss per datagram, runs exactly as before. That order
 * changes only when a replica is added or dropped ({@link #rosterChanged}); then every replica is
 * handed out once, in the new order.
 *
 * <p>Queued from any thread (the event loops that dispatch and finish); taken by the peer
 * exchange's one thread. A load clears its mark before the exchange reads its counts, so a move
 * made while the exchange takes the news is either read now or queued again for the next round.
 * Without peers no exchange asks, and nothing is queued: replicas long gone are not held here.
 */
final class CountsNews {

    private final Map<String, EndpointLoad> loads;
    private final Queue<EndpointLoad> queued = new ConcurrentLinkedQueue<>();
    /** Whether an exchange ever asked: until one does, nothing is queued (no peers: nothing held). */
    private volatile boolean asked;
    /** Grows with every replica added or dropped: the map's order may have changed. */
    private final AtomicLong roster = new AtomicLong();

    // The exchange's thread only: the map's order as of orderedAt (each load knows its place in it).
    private long orderedAt = -1;
    private String[] addresses = new String[0];
    private EndpointLoad[] ordered = new EndpointLoad[0];
    private int[] taken = new int[16];

    /** @param loads the table's replicas by address, read in their own order */
    CountsNews(Map<String, EndpointLoad> loads) {
        this.loads = requireNonNull(loads, "loads");
    }

    /** {@code load}'s counts moved, and it was not queued: it is now, once. */
    void queue(EndpointLoad load) {
        if (asked) {
            queued.add(load);
        }
    }

    /** A replica was added to or dropped from the table, after the fact. */
    void rosterChanged() {
        roster.incrementAndGet();
    }

    /** A number that changes whenever a replica was added to or dropped from the table. */
    long roster() {
        return roster.get();
    }

    /**
     * Hands {@code action} every replica whose counts may have moved since the last call, each
     * once, in the table's order: every one whose counts moved, and, after the replicas changed,
     * the others too (the exchange checks what it last told each).
     */
    void take(BiConsumer<String, EndpointLoad> action) {
        asked = true;
        long now = roster.get();
        if (now != orderedAt) {
            orderedAt = now;
            takeQueued();
            order();
            for (int i = 0; i < ordered.length; i++) {
                // Marked before anyone asked, or queued in the old order: each queues itself afresh.
                ordered[i].newsTaken();
                action.accept(addresses[i], ordered[i]);
            }
            return;
        }
        int count = takeQueued();
        Arrays.sort(taken, 0, count);
        for (int i = 0; i < count; i++) {
            // A load queued again while being taken shows up twice: handed out once.
            if (i == 0 || taken[i] != taken[i - 1]) {
                action.accept(addresses[taken[i]], ordered[taken[i]]);
            }
        }
    }

    /** Empties the queue into {@link #taken}, the places of the loads still in the table; returns how many. */
    private int takeQueued() {
        int count = 0;
        for (EndpointLoad load = queued.poll(); load != null; load = queued.poll()) {
            load.newsTaken();
            int place = load.newsPlace;
            // A load dropped from the table keeps a stale place, or none.
            if (place >= 0 && place < ordered.length && ordered[place] == load) {
                if (count == taken.length) {
                    taken = Arrays.copyOf(taken, count * 2);
                }
                taken[count++] = place;
            }
        }
        return count;
    }

    private void order() {
        int size = loads.size();
        String[] newAddresses = new String[size];
        EndpointLoad[] newOrdered = new EndpointLoad[size];
        int[] at = {0};
        loads.forEach((address, load) -> {
            // Added after size() was read: the roster moved as well, so the next call orders again.
            if (at[0] < size) {
                newAddresses[at[0]] = address;
                newOrdered[at[0]++] = load;
            }
        });
        addresses = Arrays.copyOf(newAddresses, at[0]);
        ordered = Arrays.copyOf(newOrdered, at[0]);
        for (int i = 0; i < ordered.length; i++) {
            ordered[i].newsPlace = i;
        }
    }
}
