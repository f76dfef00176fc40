package io.qgate.routing;

import java.util.Comparator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * The accepting replicas kept in order of the part of a strategy's score that does not depend
 * on the request, so that a decision reads the few replicas that can win instead of weighing
 * every one ({@link IndexedCandidates}). Each replica's place is re-keyed when its load changes
 * (its own dispatches and finishes, a scrape, a peer's report: {@link EndpointLoad} tells its
 * {@link Slot}), and when its scrape goes stale, which changes its estimate without any event:
 * a third order by scrape time finds those at the start of each read.
 *
 * <p>A key holds the estimated load exactly as a decision computes it at the same instant, and
 * beside it the KV-cache score ({@code queue}) or the work ahead ({@code work}), so that what the
 * walk reads equals what the scorers will compute. Equal keys are ordered by a salt drawn anew on
 * every change: replicas tied on load fall in a random order, a different one on each gateway,
 * so gateways that saw the same scrape do not all take the same replica.
 *
 * <p>Thread-safe: the orders are tree sets behind one short lock, taken by a change that moved a
 * key and by a decision for its walk (a few entries). A change that leaves the key as it was, the
 * common case for a streamed token, takes no lock.
 */
final class LoadIndex {

    /** What a strategy's replicas are ordered by. */
    enum Order {
        /** Estimated load, then the freest KV cache first. */
        QUEUE,
        /** Estimated load, then the least work ahead; and a second order by work ahead. */
        WORK
    }

    /** One replica's place, never changed: a change of its load replaces it. */
    static final class Key {
        final Slot slot;
        final double estimated;
        /** {@code queue}: minus the KV-cache score, so that the freest cache comes first; {@code work}: the work ahead. */
        final double second;
        private final long salt;
        private final long sequence;
        /** Whether the key was computed from a fresh scrape, taken at {@link #scrapedAt}: it changes when that goes stale. */
        private final boolean expires;
        private final long scrapedAt;

        private Key(Slot slot, double estimated, double second, long salt, long sequence, boolean expires,
                    long scrapedAt) {
            this.slot = slot;
            this.estimated = estimated;
            this.second = second;
            this.salt = salt;
            this.sequence = sequence;
            this.expires = expires;
            this.scrapedAt = scrapedAt;
        }

        Endpoint endpoint() {
            return slot.endpoint;
        }

        EndpointLoad load() {
            return slot.load;
        }

        private boolean same(double otherEstimated, double otherSecond, boolean otherExpires, long otherScrapedAt) {
            return estimated == otherEstimated && second == otherSecond && expires == otherExpires
                    && (!expires || scrapedAt == otherScrapedAt);
        }
    }

    /** A replica's entry: where its load reports a change. */
    static final class Slot {
        private final LoadIndex index;
        private final Endpoint endpoint;
        private final EndpointLoad load;
        private volatile Key key;

        private Slot(LoadIndex index, Endpoint endpoint, EndpointLoad load) {
            this.index = index;
            this.endpoint = endpoint;
            this.load = load;
        }

        /** The replica's load changed: its key moves if the change moved it. */
        void changed() {
            index.refresh(this, index.clock.getAsLong());
        }
    }

    private static final Comparator<Key> BY_LOAD = Comparator.<Key>comparingDouble(key -> key.estimated)
            .thenComparingDouble(key -> key.second).thenComparingLong(key -> key.salt)
            .thenComparingLong(key -> key.sequence);
    private static final Comparator<Key> BY_WORK = Comparator.<Key>comparingDouble(key -> key.second)
            .thenComparingDouble(key -> key.estimated).thenComparingLong(key -> key.salt)
            .thenComparingLong(key -> key.sequence);
    /** Oldest scrape first; compared as a difference, as {@link System#nanoTime} values must be. */
    private static final Comparator<Key> BY_SCRAPE = (a, b) -> a.scrapedAt != b.scrapedAt
            ? Long.signum(a.scrapedAt - b.scrapedAt) : Long.compare(a.sequence, b.sequence);

    private final Order order;
    private final long staleAfterNanos;
    private final boolean correction;
    private final LongSupplier clock;
    private final Supplier<RandomGenerator> random;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeSet<Key> byLoad = new TreeSet<>(BY_LOAD);
    private final TreeSet<Key> byWork = new TreeSet<>(BY_WORK);
    private final TreeSet<Key> byScrape = new TreeSet<>(BY_SCRAPE);
    private long sequence;

    /** Indexes {@code accepting}'s replicas; from then on each load reports its changes here. */
    LoadIndex(LoadTable.Accepting accepting, Order order, RoutingSettings settings, LongSupplier clock,
              Supplier<RandomGenerator> random) {
        this.order = requireNonNull(order, "order");
        this.staleAfterNanos = settings.staleAfter().toNanos();
        this.correction = settings.queueCorrection();
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
        Endpoint[] endpoints = accepting.endpoints();
        EndpointLoad[] loads = accepting.loads();
        long now = clock.getAsLong();
        for (int i = 0; i < endpoints.length; i++) {
            Slot slot = new Slot(this, endpoints[i], loads[i]);
            // Attached first: a change in between is then re-keyed, not lost.
            loads[i].indexedBy(slot);
            refresh(slot, now);
        }
    }

    Order order() {
        return order;
    }

    /** Takes the lock for a walk at {@code nowNanos}, first re-keying the replicas whose scrape went stale since. */
    void lock(long nowNanos) {
        lock.lock();
        while (!byScrape.isEmpty()) {
            Key oldest = byScrape.first();
            if (nowNanos - oldest.scrapedAt <= staleAfterNanos) {
                break;
            }
            replace(oldest.slot, nowNanos);
        }
    }

    void unlock() {
        lock.unlock();
    }

    /** By estimated load, then {@link Key#second}; read only between {@link #lock} and {@link #unlock}. */
    NavigableSet<Key> byLoad() {
        return byLoad;
    }

    /** {@code work} only: by work ahead, then estimated load; read only under the lock. */
    NavigableSet<Key> byWork() {
        return byWork;
    }

    /** The estimated load of {@code load} at {@code nowNanos}, as a decision computes it. */
    double estimated(EndpointLoad load, long nowNanos) {
        return load.estimatedLoad(nowNanos, staleAfterNanos, correction);
    }

    private double second(EndpointLoad load, double estimated, long nowNanos) {
        return order == Order.QUEUE ? -Scorers.kvCache(load, nowNanos, staleAfterNanos)
                : WorkScorer.workAhead(load, estimated, nowNanos, staleAfterNanos);
    }

    private void refresh(Slot slot, long nowNanos) {
        Key key = slot.key;
        if (key != null) {
            // Computed without the lock: most changes (a streamed token) leave the key where it is.
            double estimated = estimated(slot.load, nowNanos);
            boolean fresh = slot.load.fresh(nowNanos, staleAfterNanos);
            if (key.same(estimated, second(slot.load, estimated, nowNanos), fresh,
                    fresh ? nowNanos - slot.load.scrapeAgeNanos(nowNanos) : 0)) {
                return;
            }
        }
        lock.lock();
        try {
            replace(slot, nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Re-keys {@code slot} from its load now; under the lock. */
    private void replace(Slot slot, long nowNanos) {
        EndpointLoad load = slot.load;
        double estimated = estimated(load, nowNanos);
        double second = second(load, estimated, nowNanos);
        boolean fresh = load.fresh(nowNanos, staleAfterNanos);
        long scrapedAt = fresh ? nowNanos - load.scrapeAgeNanos(nowNanos) : 0;
        Key old = slot.key;
        if (old != null) {
            if (old.same(estimated, second, fresh, scrapedAt)) {
                return;
            }
            remove(old);
        }
        Key key = new Key(slot, estimated, second, random.get().nextLong(), sequence++, fresh, scrapedAt);
        byLoad.add(key);
        if (order == Order.WORK) {
            byWork.add(key);
        }
        if (fresh) {
            byScrape.add(key);
        }
        slot.key = key;
    }

    private void remove(Key key) {
        byLoad.remove(key);
        if (order == Order.WORK) {
            byWork.remove(key);
        }
        if (key.expires) {
            byScrape.remove(key);
        }
    }
}
