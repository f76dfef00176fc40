package io.qgate.routing;

import java.util.Arrays;

/**
 * What the other gateways have sent to one replica, as their cumulative dispatched and finished
 * counts tell it: how many more they have open there than at this gateway's last scrape of the
 * replica, and how many they have open in all.
 *
 * <p>Beside the counts, each peer's pending work there (prompt tokens not prefilled yet, output
 * tokens still expected), as it was at its report: {@code work} routing adds it to this gateway's
 * own, as the estimate adds the peers' requests.
 *
 * <p>Counts are cumulative, so a lost report is healed by the next one: only the latest report of
 * each peer matters. A peer first heard of after the scrape counts from that first report on. The
 * scrape resets the baseline to each peer's latest report, exactly as {@link EndpointLoad} resets
 * its own counts: what a peer had open before the scrape is in the scraped queue already.
 *
 * <p>Thread-safe: reports, scrapes and forgetting take this object's lock (a handful of peers, a
 * few stores); a routing decision reads two volatile sums and takes no lock.
 */
public final class PeerShare {

    /** Each peer's id, beside its latest counts and its counts at the last scrape, slot for slot. */
    private long[] peers = new long[0];
    private long[] dispatched = new long[0];
    private long[] finished = new long[0];
    private long[] dispatchedAtScrape = new long[0];
    private long[] finishedAtScrape = new long[0];
    private long[] prefill = new long[0];
    private long[] decode = new long[0];
    private int size;
    private volatile long sinceScrape;
    private volatile long inflight;
    private volatile long prefillPending;
    private volatile long decodePending;
    /** Requests the peers reported dispatching since {@link #takeHeard} last asked, and how late the latest report came. */
    private long heard;
    private long heardLagNanos;
    private final Runnable onChange;

    /** A share whose owner wants no notice of changes (tests, tools). */
    public PeerShare() {
        this(() -> { });
    }

    /** {@code onChange} runs after a peer's report or its forgetting changed the sums (a scrape's owner knows). */
    PeerShare(Runnable onChange) {
        this.onChange = onChange;
    }

    /** The peers' requests dispatched minus finished since the last scrape; negative when more finished. */
    public long sinceScrape() {
        return sinceScrape;
    }

    /** Requests the peers have open on the replica. */
    public long inflight() {
        return inflight;
    }

    /** Prompt tokens the peers sent to the replica without a first token yet, at their latest reports. */
    public long prefillPending() {
        return prefillPending;
    }

    /** Output tokens the peers' open requests on the replica are still expected to produce, at their latest reports. */
    public long decodePending() {
        return decodePending;
    }

    /** Peers that have reported on this replica and not been forgotten. */
    public synchronized int peers() {
        return size;
    }

    /** The latest cumulative counts of {@code peer} for this replica, without work. */
    public void report(long peer, long peerDispatched, long peerFinished) {
        report(peer, peerDispatched, peerFinished, 0, 0);
    }

    /** The latest cumulative counts of {@code peer} for this replica, and its pending work there now. */
    public void report(long peer, long peerDispatched, long peerFinished, long peerPrefill, long peerDecode) {
        report(peer, peerDispatched, peerFinished, peerPrefill, peerDecode, 0);
    }

    /**
     * Like {@link #report(long, long, long, long, long)} for a report that tells what the peer
     * knew {@code lagNanos} ago on average: how long its dispatches stay unseen ({@link PeerPace}).
     */
    public synchronized void report(long peer, long peerDispatched, long peerFinished, long peerPrefill,
                                    long peerDecode, long lagNanos) {
        if (peerDispatched < 0 || peerFinished < 0) {
            throw new IllegalArgumentException("counts: " + peerDispatched + ", " + peerFinished
                    + " (expected: >= 0)");
        }
        int slot = slotOf(peer);
        if (slot >= 0 && peerDispatched == dispatched[slot] && peerFinished == finished[slot]
                && peerPrefill == prefill[slot] && peerDecode == decode[slot]) {
            // A full round repeats what the news told already: nothing moved.
            return;
        }
        if (slot >= 0 && (peerDispatched < dispatched[slot] || peerFinished < finished[slot])) {
            // Counts went back: the peer started counting this replica afresh (it left and came back).
            remove(slot);
            slot = -1;
        }
        if (slot < 0) {
            slot = add(peer, peerDispatched, peerFinished);
        } else {
            heard += peerDispatched - dispatched[slot];
            heardLagNanos = lagNanos;
        }
        dispatched[slot] = peerDispatched;
        finished[slot] = peerFinished;
        prefill[slot] = Math.max(0, peerPrefill);
        decode[slot] = Math.max(0, peerDecode);
        publish();
        // Under this lock, which is safe: the index reads the sums without it.
        onChange.run();
    }

    /**
     * The requests the peers reported dispatching here since the last call, and resets the count:
     * the one watcher that paces the peers ({@link PeerPace}) asks after each report.
     */
    synchronized long takeHeard() {
        long taken = heard;
        heard = 0;
        return taken;
    }

    /** How late the latest report that told of dispatches came ({@link #report(long, long, long, long, long, long)}). */
    synchronized long heardLagNanos() {
        return heardLagNanos;
    }

    /** Drops {@code peer}'s contribution: it went silent. */
    public synchronized void forget(long peer) {
        int slot = slotOf(peer);
        if (slot >= 0) {
            remove(slot);
            publish();
            onChange.run();
        }
    }

    /** The replica was scraped: every peer's latest counts become the baseline. */
    synchronized void scraped() {
        System.arraycopy(dispatched, 0, dispatchedAtScrape, 0, size);
        System.arraycopy(finished, 0, finishedAtScrape, 0, size);
        publish();
    }

    private int slotOf(long peer) {
        for (int i = 0; i < size; i++) {
            if (peers[i] == peer) {
                return i;
            }
        }
        return -1;
    }

    /** A new peer: its first report is its baseline, since nothing tells what it sent before. */
    private int add(long peer, long peerDispatched, long peerFinished) {
        if (size == peers.length) {
            int capacity = Math.max(4, size * 2);
            peers = Arrays.copyOf(peers, capacity);
            dispatched = Arrays.copyOf(dispatched, capacity);
            finished = Arrays.copyOf(finished, capacity);
            dispatchedAtScrape = Arrays.copyOf(dispatchedAtScrape, capacity);
            finishedAtScrape = Arrays.copyOf(finishedAtScrape, capacity);
            prefill = Arrays.copyOf(prefill, capacity);
            decode = Arrays.copyOf(decode, capacity);
        }
        peers[size] = peer;
        dispatchedAtScrape[size] = peerDispatched;
        finishedAtScrape[size] = peerFinished;
        return size++;
    }

    private void remove(int slot) {
        int last = --size;
        peers[slot] = peers[last];
        dispatched[slot] = dispatched[last];
        finished[slot] = finished[last];
        dispatchedAtScrape[slot] = dispatchedAtScrape[last];
        finishedAtScrape[slot] = finishedAtScrape[last];
        prefill[slot] = prefill[last];
        decode[slot] = decode[last];
    }

    private void publish() {
        long since = 0;
        long open = 0;
        long prefillSum = 0;
        long decodeSum = 0;
        for (int i = 0; i < size; i++) {
            since += (dispatched[i] - dispatchedAtScrape[i]) - (finished[i] - finishedAtScrape[i]);
            open += Math.max(0, dispatched[i] - finished[i]);
            prefillSum += prefill[i];
            decodeSum += decode[i];
        }
        sinceScrape = since;
        inflight = open;
        prefillPending = prefillSum;
        decodePending = decodeSum;
    }
}
