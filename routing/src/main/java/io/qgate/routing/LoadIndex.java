package io.qgate.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The accepting replicas kept in order of the part of a strategy's score that does not depend
 * on the request, so that a decision reads the few replicas that can win instead of weighing
 * every one ({@link IndexedCandidates}). A replica whose load changes (its own dispatches and
 * finishes, a scrape, a peer's report: {@link EndpointLoad} tells its {@link Slot}) is noted, and
 * re-keyed by the next read at that read's instant: several changes between two decisions move it
 * once, a fleet scraped while no request comes moves nothing, and a key is what the decision
 * itself computes. A scrape that goes stale changes the estimate without any event: scrapes are
 * queued in the order they came, which is the order they go stale in, and each read first notes
 * the replicas whose last scrape went stale since.
 *
 * <p>A key holds the estimated load, and beside it the band of the KV-cache score ({@code queue})
 * or the work ahead ({@code work}). Replicas of equal keys share a {@link Bucket}, in no order: a
 * decision draws among them at random, a different draw on each gateway, so that gateways that saw
 * the same scrape do not all take the same replica. Only the buckets are kept in order, in a tree:
 * a replica moving between two existing buckets (a finish on a replica of a common load) costs no
 * tree operation, and a walk steps from bucket to bucket. A tree of every replica instead, each
 * of its nodes a scattered object, missed the cache at every level of every move, and those moves
 * were a quarter of a 1,000-replica simulation.
 *
 * <p>Thread-safe: the buckets and the notes are behind one short lock, taken by a change to note
 * the replica (a few stores) and by a read for its moves and its walk (a few entries). A change
 * that leaves the key as it was, the common case for a streamed token, takes no lock.
 */
final class LoadIndex {

    /** What a strategy's replicas are ordered by. */
    enum Order {
        /** Estimated load, then the freest band of KV cache first. */
        QUEUE,
        /** The least work ahead, then estimated load. */
        WORK
    }

    /** What a replica's load keyed it by, never changed: a change of its load replaces it. */
    private record Key(double estimated, double second, boolean fresh) {

        private boolean same(double otherEstimated, double otherSecond, boolean otherFresh) {
            return estimated == otherEstimated && second == otherSecond && fresh == otherFresh;
        }
    }

    /** The replicas of one key, in no order. Read only between {@link #lock} and {@link #unlock}. */
    static final class Bucket {
        private static final Slot[] NO_MEMBERS = new Slot[0];
        final double estimated;
        /** {@code queue}: minus the KV-cache score's band, so that the freest caches come first; {@code work}: the work ahead. */
        final double second;
        /** Empty until the first member: most buckets made are probes to look up with. */
        private Slot[] members = NO_MEMBERS;
        private int size;

        private Bucket(double estimated, double second) {
            this.estimated = estimated;
            this.second = second;
        }

        /** A bucket to look up with, never holding a replica. */
        static Bucket probe(double estimated, double second) {
            return new Bucket(estimated, second);
        }

        /** In {@code work}'s order, a bucket after every one of work ahead {@code second}: where the next amount starts. */
        static Bucket afterWork(double second) {
            return new Bucket(Double.POSITIVE_INFINITY, second);
        }

        int size() {
            return size;
        }

        Slot member(int i) {
            return members[i];
        }

        /** Member {@code k} of the bucket counted from {@code start} round its end. */
        Slot member(int start, int k) {
            int i = start + k;
            return members[i < size ? i : i - size];
        }

        private void add(Slot slot) {
            if (size == members.length) {
                members = Arrays.copyOf(members, Math.max(4, size * 2));
            }
            slot.position = size;
            members[size++] = slot;
        }

        private void remove(Slot slot) {
            Slot last = members[--size];
            members[slot.position] = last;
            last.position = slot.position;
            members[size] = null;
        }
    }

    /** A replica's entry: where its load reports a change. */
    static final class Slot {
        private final LoadIndex index;
        private final Endpoint endpoint;
        private final EndpointLoad load;
        private volatile Key key;
        /** The bucket that holds the replica and its place there, under the index's lock; null before its first key. */
        private Bucket bucket;
        private int position;
        /** Scrapes of the replica so far, under the index's lock: which of its queued scrapes is the last. */
        private long scrapes;
        /** Whether the replica is among the {@link #moved}, under the index's lock. */
        private boolean moved;

        private Slot(LoadIndex index, Endpoint endpoint, EndpointLoad load) {
            this.index = index;
            this.endpoint = endpoint;
            this.load = load;
        }

        Endpoint endpoint() {
            return endpoint;
        }

        EndpointLoad load() {
            return load;
        }

        /** The replica's load changed: its key moves if the change moved it. */
        void changed() {
            index.refresh(this, index.clock.getAsLong());
        }

        /** The replica's load changed in a way that surely moves its key: noted without working the key out. */
        void moved() {
            index.note(this);
        }

        /** The replica was scraped at {@code atNanos}: its key may move now, and will when the scrape goes stale. */
        void scraped(long atNanos) {
            index.scraped(this, atNanos);
        }
    }

    /** A replica's {@code number}th scrape, remembered until it goes stale or a later one replaces it. */
    private record Scrape(Slot slot, long atNanos, long number) {

        boolean last() {
            return number == slot.scrapes;
        }
    }

    // Written out rather than chained: comparisons are much of what the index costs.
    private static final Comparator<Bucket> BY_LOAD = (a, b) -> {
        int c = Double.compare(a.estimated, b.estimated);
        return c != 0 ? c : Double.compare(a.second, b.second);
    };
    private static final Comparator<Bucket> BY_WORK = (a, b) -> {
        int c = Double.compare(a.second, b.second);
        return c != 0 ? c : Double.compare(a.estimated, b.estimated);
    };

    private final Order order;
    /** {@code queue}: the width of the KV-cache score's bands, within which replicas count as equal. */
    private final double kvBandWidth;
    private final long staleAfterNanos;
    private final boolean correction;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** The keys in the order's comparator: {@link #BY_LOAD} for {@code queue}, {@link #BY_WORK} for {@code work}. */
    /** The buckets that hold a replica, in the order's comparator: {@link #BY_LOAD} for {@code queue}, {@link #BY_WORK} for {@code work}. */
    private final TreeMap<Bucket, Bucket> buckets;
    /**
     * Scrapes in the order they came, which is the order they go stale in (a scrape dated ahead of
     * the clock, as only benchmarks do, holds back the ones behind it until it is stale too).
     */
    private final ArrayDeque<Scrape> scrapes = new ArrayDeque<>();
    /**
     * The replicas whose load changed since the last read, each once: re-keyed by the next read,
     * at its instant, so that a replica that changes several times between two decisions (or
     * while no decision is made) moves once, and the keys are what the decision computes.
     */
    private final ArrayList<Slot> moved = new ArrayList<>();
    private final int slots;

    /** Indexes {@code accepting}'s replicas; from then on each load reports its changes here. */
    LoadIndex(LoadTable.Accepting accepting, Order order, RoutingSettings settings, LongSupplier clock,
              double kvBandWidth) {
        this.kvBandWidth = kvBandWidth;
        this.order = requireNonNull(order, "order");
        this.buckets = new TreeMap<>(order == Order.QUEUE ? BY_LOAD : BY_WORK);
        this.staleAfterNanos = settings.staleAfter().toNanos();
        this.correction = settings.queueCorrection();
        this.clock = requireNonNull(clock, "clock");
        Endpoint[] endpoints = accepting.endpoints();
        EndpointLoad[] loads = accepting.loads();
        this.slots = endpoints.length;
        long now = clock.getAsLong();
        List<Scrape> fresh = new ArrayList<>();
        for (int i = 0; i < endpoints.length; i++) {
            Slot slot = new Slot(this, endpoints[i], loads[i]);
            // Attached first: a change in between is then re-keyed, not lost.
            loads[i].indexedBy(slot);
            refresh(slot, now);
            if (loads[i].fresh(now, staleAfterNanos)) {
                fresh.add(new Scrape(slot, now - loads[i].scrapeAgeNanos(now), 0));
            }
        }
        // The scrapes taken before the index, oldest first, as later ones will come.
        fresh.sort((a, b) -> Long.signum(a.atNanos() - b.atNanos()));
        lock.lock();
        try {
            scrapes.addAll(fresh);
        } finally {
            lock.unlock();
        }
    }

    Order order() {
        return order;
    }

    /** Takes the lock for a walk at {@code nowNanos}, first re-keying the replicas whose scrape went stale since. */
    void lock(long nowNanos) {
        lock.lock();
        expire(nowNanos);
        for (Slot slot : moved) {
            slot.moved = false;
            replace(slot, nowNanos);
        }
        moved.clear();
    }

    /** Notes that {@code slot}'s key is to be recomputed by the next read; under the lock. */
    private void move(Slot slot) {
        if (!slot.moved) {
            slot.moved = true;
            moved.add(slot);
        }
    }

    /** Re-keys the replicas whose last scrape went stale by {@code nowNanos}; under the lock. */
    private void expire(long nowNanos) {
        Scrape oldest;
        while ((oldest = scrapes.peekFirst()) != null && nowNanos - oldest.atNanos() > staleAfterNanos) {
            scrapes.pollFirst();
            Key key = oldest.slot().key;
            // Not when a later scrape of the same replica is further back in the queue.
            if (key != null && key.fresh() && oldest.last()) {
                move(oldest.slot());
            }
        }
    }

    private void scraped(Slot slot, long atNanos) {
        lock.lock();
        try {
            scrapes.addLast(new Scrape(slot, atNanos, ++slot.scrapes));
            if (scrapes.size() > 2 * slots + 16) {
                // Mostly scrapes a later one replaced: dropped here, so the queue holds about one per replica.
                scrapes.removeIf(scrape -> !scrape.last());
            }
            move(slot);
        } finally {
            lock.unlock();
        }
    }

    void unlock() {
        lock.unlock();
    }

    /** {@code queue} only: the buckets by estimated load, then {@link Bucket#second}; read only between {@link #lock} and {@link #unlock}. */
    NavigableSet<Bucket> byLoad() {
        if (order != Order.QUEUE) {
            throw new IllegalStateException("the " + order + " index keeps no order by load");
        }
        return buckets.navigableKeySet();
    }

    /** {@code work} only: the buckets by work ahead, then estimated load; read only under the lock. */
    NavigableSet<Bucket> byWork() {
        if (order != Order.WORK) {
            throw new IllegalStateException("the " + order + " index keeps no order by work");
        }
        return buckets.navigableKeySet();
    }

    /**
     * The buckets in an order where the idle replicas (estimated load under one request) come
     * first, the least loaded first among them; {@link #pastIdle} tells where none can follow. For
     * {@code work}, its own order: a replica with no request open has no work ahead (the work is
     * that of this gateway's open requests), and buckets of equal work ahead are in order of load.
     * Read only under the lock.
     */
    NavigableSet<Bucket> idleFirst() {
        return buckets.navigableKeySet();
    }

    /** Whether no idle replica comes after {@code bucket} in {@link #idleFirst}, beyond what its load tells. */
    boolean pastIdle(Bucket bucket) {
        return order == Order.WORK && bucket.second > 0;
    }

    /**
     * For tests: after re-keying at {@code nowNanos}, whether every replica is in exactly one
     * bucket, that of its key at that instant, and every bucket holds a replica.
     */
    boolean consistent(long nowNanos) {
        lock(nowNanos);
        try {
            int held = 0;
            for (Bucket bucket : buckets.keySet()) {
                if (bucket.size == 0) {
                    return false;
                }
                for (int i = 0; i < bucket.size; i++) {
                    Slot slot = bucket.members[i];
                    double estimated = estimated(slot.load, nowNanos);
                    if (slot.bucket != bucket || slot.position != i || estimated != bucket.estimated
                            || second(slot.load, estimated, nowNanos) != bucket.second) {
                        return false;
                    }
                }
                held += bucket.size;
            }
            return held == slots;
        } finally {
            unlock();
        }
    }

    /** The estimated load of {@code load} at {@code nowNanos}, as a decision computes it. */
    double estimated(EndpointLoad load, long nowNanos) {
        return load.estimatedLoad(nowNanos, staleAfterNanos, correction);
    }

    /** The band of a KV-cache score: 0 for the lowest; every score is in one band when the KV cache does not count. */
    private double kvBand(double kvScore) {
        return kvBandWidth > 0 ? Math.floor(kvScore / kvBandWidth) : 0;
    }

    /** The largest KV-cache score of band {@code band}. */
    double kvBandTop(double band) {
        return kvBandWidth > 0 ? Math.min(1.0, (band + 1) * kvBandWidth) : 1.0;
    }

    private double second(EndpointLoad load, double estimated, long nowNanos) {
        return order == Order.QUEUE ? -kvBand(Scorers.kvCache(load, nowNanos, staleAfterNanos))
                : WorkScorer.workAhead(load, estimated, nowNanos, staleAfterNanos);
    }

    private void refresh(Slot slot, long nowNanos) {
        Key key = slot.key;
        if (key != null) {
            // Computed without the lock: most changes (a streamed token) leave the key where it is.
            double estimated = estimated(slot.load, nowNanos);
            if (key.same(estimated, second(slot.load, estimated, nowNanos), slot.load.fresh(nowNanos, staleAfterNanos))) {
                return;
            }
        }
        note(slot);
    }

    /** Notes {@code slot} for the next read to re-key. */
    private void note(Slot slot) {
        lock.lock();
        try {
            move(slot);
        } finally {
            lock.unlock();
        }
    }

    /** Re-keys {@code slot} from its load now, moving it to the bucket of its new key; under the lock. */
    private void replace(Slot slot, long nowNanos) {
        EndpointLoad load = slot.load;
        double estimated = estimated(load, nowNanos);
        double second = second(load, estimated, nowNanos);
        boolean fresh = load.fresh(nowNanos, staleAfterNanos);
        Key old = slot.key;
        if (old != null && old.same(estimated, second, fresh)) {
            return;
        }
        slot.key = new Key(estimated, second, fresh);
        Bucket from = slot.bucket;
        if (from != null && Double.compare(from.estimated, estimated) == 0 && Double.compare(from.second, second) == 0) {
            return; // only its freshness changed
        }
        if (from != null) {
            from.remove(slot);
            if (from.size == 0) {
                buckets.remove(from);
            }
        }
        Bucket to = buckets.computeIfAbsent(Bucket.probe(estimated, second), bucket -> bucket);
        to.add(slot);
        slot.bucket = to;
    }
}
