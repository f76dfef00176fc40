package io.qgate.routing.peers;

import io.qgate.routing.EndpointLoad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * One gateway's side of the exchange with its peers: what to send them ({@link #due}), what
 * to make of what arrives ({@link #receive}), and forgetting peers that went silent
 * ({@link #expire}). Counts of accepted peer reports go into the replicas' {@link
 * io.qgate.routing.PeerShare}, which the load estimate adds.
 *
 * <p>Never trusted: a datagram is applied only when its authentication code matches the shared
 * key, its sequence is newer than every one seen from that sender for that part, and its time is
 * within {@link #WINDOW_MICROS} of this gateway's clock. A sender is remembered for twice that
 * window after it was last heard, so no replay can outlive the memory of what it replays.
 *
 * <p>Confined to one thread (the transport's event loop, or the simulation), except the
 * counters and {@link #live()}, which metrics read from anywhere.
 */
public final class PeerExchange {

    /** A peer not heard for this long is dropped, and what it reported with it. */
    public static final long AGE_OUT_NANOS = 3_000_000_000L;
    /** How far a message's time may be from this gateway's: a bound on clock skew between pods, too. */
    public static final long WINDOW_MICROS = 30_000_000L;
    private static final long REMEMBER_NANOS = 2 * WINDOW_MICROS * 1_000;
    /** How often {@link #due} should be asked: the delay of news. */
    public static final long CHECK_NANOS = 1_000_000L;
    /**
     * The most a datagram's time on the wire is taken to be, by its time against this gateway's
     * clock: more is the two clocks' skew, not the wire.
     */
    static final long MAX_WIRE_NANOS = 5_000_000L;
    /** Without news, a full round every this many intervals. */
    public static final int QUIET_INTERVALS = 10;

    /** What is known of one sender. */
    private static final class Peer {
        long lastHeardNanos;
        boolean live;
        long[] lastSequenceByPart = new long[1];
        final SenderReports reports = new SenderReports();
    }

    private final long self;
    private final PeerCodec codec;
    private final ReplicaLoads loads;
    private final LongSupplier nanoClock;
    private final LongSupplier wallMicros;
    private final Map<Long, Peer> peers = new HashMap<>();
    private final AtomicLongArray verdicts = new AtomicLongArray(PeerVerdict.values().length);
    private volatile int live;
    private long lastSequence;
    private long lastFullNanos;
    private boolean sentOnce;
    /** Replicas in the last full round: the next one's list is made that size at once. */
    private int lastRoundSize = 16;

    /**
     * @param self       this gateway's id, drawn at random at start (a restarted gateway is a new peer)
     * @param key        the shared key
     * @param loads      the replicas this gateway routes to
     * @param nanoClock  monotonic time, for ageing peers out
     * @param wallMicros wall-clock time in microseconds, for sequences and the replay window
     */
    public PeerExchange(long self, byte[] key, ReplicaLoads loads, LongSupplier nanoClock, LongSupplier wallMicros) {
        this.self = self;
        this.codec = new PeerCodec(key);
        this.loads = requireNonNull(loads, "loads");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.wallMicros = requireNonNull(wallMicros, "wallMicros");
    }

    /**
     * What to send every peer now, if anything: called every {@link #CHECK_NANOS} (or the
     * interval if shorter). Two kinds of rounds:
     *
     * <ul>
     *   <li><b>news</b>: the replicas whose counts moved since they were last told, at once: a
     *       dispatch reaches the peers a millisecond later, not up to an interval later, and a
     *       datagram of a few replicas costs little;</li>
     *   <li><b>full</b>: every replica, at most every {@code intervalNanos} while counts move, and
     *       every {@link #QUIET_INTERVALS} intervals when they do not: it heals any datagram lost
     *       before, and keeps this gateway from ageing out.</li>
     * </ul>
     *
     * @return the datagrams, the same for every peer; empty when nothing is due
     */
    public List<byte[]> due(long intervalNanos) {
        long now = nanoClock.getAsLong();
        List<ReplicaCounts> news = new ArrayList<>();
        List<EndpointLoad> newsLoads = new ArrayList<>();
        // Only the replicas that noted a move since the last call, in the order of a full round.
        loads.forEachNews((address, load) -> {
            // Finished first: it never passes dispatched, so the pair read is always consistent.
            long finished = load.finishedTotal();
            long dispatched = load.dispatchedTotal();
            long prefill = Math.max(0, load.prefillPending());
            if (!load.peersTold(dispatched, finished, prefill)) {
                news.add(counts(address, load, dispatched, finished, prefill));
                newsLoads.add(load);
            }
        });
        long sinceFull = now - lastFullNanos;
        if (!sentOnce || sinceFull >= QUIET_INTERVALS * intervalNanos || (!news.isEmpty() && sinceFull >= intervalNanos)) {
            sentOnce = true;
            lastFullNanos = now;
            return outgoing();
        }
        if (news.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < news.size(); i++) {
            newsLoads.get(i).tellPeers(news.get(i).dispatched(), news.get(i).finished(), news.get(i).prefillPending());
        }
        return codec.encode(self, this::nextSequence, news);
    }

    /** The datagrams that tell a peer every replica's counts now; the same ones go to every peer. */
    public List<byte[]> outgoing() {
        List<ReplicaCounts> counts = new ArrayList<>(lastRoundSize);
        loads.forEach((address, load) -> {
            long finished = load.finishedTotal();
            long dispatched = load.dispatchedTotal();
            long prefill = Math.max(0, load.prefillPending());
            counts.add(counts(address, load, dispatched, finished, prefill));
            load.tellPeers(dispatched, finished, prefill);
        });
        lastRoundSize = counts.size();
        return codec.encode(self, this::nextSequence, counts);
    }

    /**
     * A replica's counts and this gateway's pending work there. The prompts still to prefill are
     * news when a first token ends one; the output still expected rides along with the news and
     * with every full round, at most an interval late: it moves with every streamed token, too
     * often to be news itself.
     */
    private static ReplicaCounts counts(String address, EndpointLoad load, long dispatched, long finished,
                                        long prefill) {
        return new ReplicaCounts(address, dispatched, finished, prefill, Math.max(0, load.decodePending()));
    }

    private long nextSequence() {
        lastSequence = Math.max(lastSequence + 1, wallMicros.getAsLong());
        return lastSequence;
    }

    /** Reads one datagram of {@code length} bytes, applies it when it is to be trusted, and counts it. */
    public PeerVerdict receive(byte[] data, int length) {
        return receive(codec.decode(data, length));
    }

    /**
     * Applies a datagram that a {@link PeerCodec} with the same key read already, when it is to be
     * trusted, and counts it: the fleet simulation reads each datagram once for all its gateways.
     */
    public PeerVerdict receive(PeerCodec.Decoded decoded) {
        PeerVerdict verdict = apply(requireNonNull(decoded, "decoded"));
        if (verdict != PeerVerdict.OWN) {
            verdicts.incrementAndGet(verdict.ordinal());
        }
        return verdict;
    }

    private PeerVerdict apply(PeerCodec.Decoded decoded) {
        PeerMessage message = decoded.message();
        if (message == null) {
            return decoded.verdict();
        }
        if (message.sender() == self) {
            return PeerVerdict.OWN;
        }
        if (Math.abs(message.sequence() - wallMicros.getAsLong()) > WINDOW_MICROS) {
            return PeerVerdict.REPLAYED;
        }
        Peer peer = peers.computeIfAbsent(message.sender(), sender -> new Peer());
        int part = message.part();
        if (part >= peer.lastSequenceByPart.length) {
            peer.lastSequenceByPart = Arrays.copyOf(peer.lastSequenceByPart, part + 1);
        }
        if (message.sequence() <= peer.lastSequenceByPart[part]) {
            return PeerVerdict.REPLAYED;
        }
        peer.lastSequenceByPart[part] = message.sequence();
        peer.lastHeardNanos = nanoClock.getAsLong();
        if (!peer.live) {
            peer.live = true;
            live++;
        }
        // How late, on average, a dispatch of the sender's is heard of: the wait for its next round of news, then the wire.
        long wire = Math.min(MAX_WIRE_NANOS, Math.max(0, (wallMicros.getAsLong() - message.sequence()) * 1_000));
        long lag = CHECK_NANOS / 2 + wire;
        SenderReports reports = peer.reports;
        reports.roster(loads.roster());
        List<ReplicaCounts> all = message.counts();
        for (int place = 0; place < all.size(); place++) {
            ReplicaCounts counts = all.get(place);
            int at = reports.find(part, place, counts.address());
            // A full round repeating what the share holds is skipped here, as the share would skip it.
            if (at >= 0 && reports.repeats(part, at, counts)) {
                continue;
            }
            SenderReports.Told told;
            if (at >= 0) {
                told = reports.owner(part, at);
            } else {
                EndpointLoad load = loads.find(counts.address());
                if (load == null) {
                    continue;
                }
                told = reports.of(load);
                at = reports.vacancy(part, place);
            }
            if (!told.same(counts)) {
                told.load.peers().report(message.sender(), counts.dispatched(), counts.finished(),
                        counts.prefillPending(), counts.decodePending(), lag);
                told.told(counts);
            }
            reports.place(part, at, counts.address(), told);
        }
        return PeerVerdict.ACCEPTED;
    }

    /** Drops what silent peers reported; forgets senders silent for longer than any replay could be. */
    public void expire() {
        long now = nanoClock.getAsLong();
        Iterator<Map.Entry<Long, Peer>> entries = peers.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Long, Peer> entry = entries.next();
            Peer peer = entry.getValue();
            long silent = now - peer.lastHeardNanos;
            if (peer.live && silent > AGE_OUT_NANOS) {
                for (EndpointLoad load : peer.reports.reportedTo()) {
                    load.peers().forget(entry.getKey());
                }
                peer.reports.clear();
                peer.live = false;
                live--;
            }
            if (!peer.live && silent > REMEMBER_NANOS) {
                entries.remove();
            }
        }
    }

    /** Peers heard from within {@link #AGE_OUT_NANOS}: {@code qgate_peers_live}. */
    public int live() {
        return live;
    }

    /** Datagrams received with {@code verdict} so far: {@code qgate_peer_messages_total{result}}. */
    public long count(PeerVerdict verdict) {
        return verdicts.get(verdict.ordinal());
    }
}
