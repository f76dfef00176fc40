package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * How many requests this gateway may have at a pool's replicas before their engines are
 * saturated: per ready replica, its batch limit plus a small allowance ({@link EngineAllowance}:
 * where other gateways' finishes show only in scrapes, so an engine does not idle until the next
 * one), less what other gateways keep there; summed. Beyond
 * it requests wait at the gateway, where they can still go to whichever replica frees up first,
 * in priority and fair order, instead of in one engine's queue.
 *
 * <p>A replica's batch limit is configured ({@code admission.max-num-seqs}) or learnt: whenever a
 * scrape shows requests waiting, the engine was full, and what it was running is its limit (the
 * largest such reading is kept). Until every ready replica has a known limit the room is
 * unbounded: the gateway holds nothing on a guess. A replica whose scrapes have gone stale keeps
 * its known limit and is counted by what the gateways have open there, as routing counts it
 * meanwhile: a few missed scrapes on a busy machine must not release the whole queue into the
 * engines at once.
 *
 * <p>Kept, not walked: the room is read on every admission, and over a thousand replicas a walk
 * of them all was most of an admission's cost. What another gateway keeps at a replica is its
 * estimated load less this gateway's own requests there, and that difference moves only with a
 * scrape, a peer's report or the scrape going stale: this gateway's dispatches and finishes add
 * to both sides alike. So each replica's share (its room at each value the allowance can take,
 * whether its limit is known, whether it shows unexplained load) is kept beside the sums of
 * them; a report marks the replica ({@link Router#watchReports}), and the next read recomputes
 * the marked ones at its instant, as the walk would have. Scrapes wait in a queue by time, so the
 * read also recomputes the replicas whose scrape went stale since; a new set of replicas, or
 * forgotten limits, recomputes them all. A read costs the replicas that changed since the last.
 *
 * <p>Thread-safe: reads take one short lock; a report marks its replica without it.
 */
final class EngineRoom implements IntSupplier {

    /** One accepting replica's part of the room, as last computed; under the lock but for {@link #marked}. */
    private static final class Share {
        final String authority;
        final EndpointLoad load;
        /** Set by a report, cleared by the read that recomputes the share: each replica is queued once. */
        final AtomicBoolean marked = new AtomicBoolean();
        /** Its room at each of the allowance's values, index for index, as counted in the sums. */
        final long[] room;
        boolean limitUnknown;
        boolean unexplained;
        /** When the scrape this share was computed from goes stale, or null when it was computed from none. */
        Expiry expiry;
        /** Of a set of replicas that has been replaced: marks still queued for it are dropped. */
        boolean retired;

        Share(String authority, EndpointLoad load, int values) {
            this.authority = authority;
            this.load = load;
            this.room = new long[values];
        }
    }

    /** A share's fresh scrape, queued to be recomputed once it is stale. */
    private record Expiry(Share share, long scrapedAt) {}

    private final Router router;
    private final int configuredLimit;
    private final EngineAllowance allowance;
    /** Every value the allowance can take; {@link #sums} has one sum for each. */
    private final int[] allowances;
    private final long staleAfterNanos;
    private final Map<String, Integer> learned = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Shares whose load reported a change since the last read, each once. */
    private final ConcurrentLinkedQueue<Share> marked = new ConcurrentLinkedQueue<>();
    /** Scrapes the shares were computed from, oldest first (wrap-safe), to be noticed going stale. */
    private final PriorityQueue<Expiry> expiries =
            new PriorityQueue<>((a, b) -> Long.signum(a.scrapedAt() - b.scrapedAt()));
    /** The shares by load, for the reporting threads to find theirs; replaced with the set of replicas. */
    private volatile Map<EndpointLoad, Share> byLoad = Map.of();
    /** Limits were forgotten: the next read recomputes every share. */
    private volatile boolean forgotten;

    // Under the lock.
    private EndpointSnapshot snapshot;
    private Share[] shares = new Share[0];
    private final long[] sums;
    private int unknownLimits;
    private int unexplainedLoads;

    /**
     * @param configuredLimit each engine's batch limit (vLLM's max-num-seqs), or 0 to learn it
     * @param engineQueue     requests an engine may have waiting before it counts as saturated,
     *                        or {@link EngineAllowance#AUTO}
     */
    EngineRoom(Router router, int configuredLimit, int engineQueue) {
        this.router = router;
        this.configuredLimit = configuredLimit;
        this.allowance = new EngineAllowance(engineQueue);
        this.allowances = allowance.values();
        this.sums = new long[allowances.length];
        this.staleAfterNanos = router.settings().staleAfter().toNanos();
        router.watchReports(this::reported);
    }

    @Override
    public int getAsInt() {
        lock.lock();
        try {
            // Read under the lock: reads then see time go one way, as each share was computed.
            long now = router.nowNanos();
            EndpointSnapshot current = router.snapshot();
            if (current != snapshot || forgotten) {
                recomputeAll(current, now);
            } else {
                recomputeStale(now);
                recomputeMarked(now);
            }
            if (unknownLimits > 0) {
                return Integer.MAX_VALUE;
            }
            int extra = allowance.allowance(unexplainedLoads > 0, now);
            return (int) Math.min(sums[valueIndex(extra)], Integer.MAX_VALUE);
        } finally {
            lock.unlock();
        }
    }

    private int valueIndex(int extra) {
        for (int i = 0; i < allowances.length; i++) {
            if (allowances[i] == extra) {
                return i;
            }
        }
        throw new IllegalStateException("allowance " + extra + " (expected: one of " + Arrays.toString(allowances) + ")");
    }

    /** A scrape or a peer's report of {@code load}: its share is recomputed by the next read. */
    private void reported(EndpointLoad load) {
        Share share = byLoad.get(load);
        if (share != null && share.marked.compareAndSet(false, true)) {
            marked.add(share);
        }
    }

    private void recomputeAll(EndpointSnapshot current, long now) {
        for (Share share : shares) {
            share.retired = true;
        }
        // Emptied before the new shares are published: marks of theirs from then on stay queued.
        marked.clear();
        expiries.clear();
        Arrays.fill(sums, 0);
        unknownLimits = 0;
        unexplainedLoads = 0;
        List<Endpoint> accepting = current.accepting();
        Share[] next = new Share[accepting.size()];
        Map<EndpointLoad, Share> found = new IdentityHashMap<>(next.length * 2);
        for (int i = 0; i < next.length; i++) {
            Endpoint endpoint = accepting.get(i);
            next[i] = new Share(endpoint.authority(), router.load(endpoint), allowances.length);
            found.put(next[i].load, next[i]);
        }
        // Published before the loads are read: a report after the read finds its share and marks it.
        byLoad = found;
        shares = next;
        snapshot = current;
        forgotten = false;
        for (Share share : next) {
            compute(share, now);
            count(share, 1);
        }
    }

    /** Recomputes the shares whose scrape went stale by {@code now}. */
    private void recomputeStale(long now) {
        Expiry oldest;
        while ((oldest = expiries.peek()) != null && now - oldest.scrapedAt() > staleAfterNanos) {
            expiries.poll();
            // Not when the share was computed from a later scrape since: that one is queued too.
            if (oldest.share().expiry == oldest) {
                oldest.share().expiry = null;
                recompute(oldest.share(), now);
            }
        }
    }

    private void recomputeMarked(long now) {
        Share share;
        while ((share = marked.poll()) != null) {
            // Cleared before the load is read: a report from here on queues the share again.
            share.marked.set(false);
            if (!share.retired) {
                recompute(share, now);
            }
        }
    }

    private void recompute(Share share, long now) {
        count(share, -1);
        compute(share, now);
        count(share, 1);
    }

    private void count(Share share, int sign) {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += sign * share.room[i];
        }
        unknownLimits += share.limitUnknown ? sign : 0;
        unexplainedLoads += share.unexplained ? sign : 0;
    }

    /** The share of one replica at {@code now}, as the walk over all of them computed it then. */
    private void compute(Share share, long now) {
        EndpointLoad load = share.load;
        int limit = configuredLimit > 0 ? configuredLimit : learn(share.authority, load, now);
        // What the engine holds that is not this gateway's: other gateways' requests. Not the
        // estimate less this gateway's in-flight count: a dispatch half-recorded on another
        // thread would leave the share a request off until the replica's next report.
        double others = load.othersLoad(now, staleAfterNanos);
        share.limitUnknown = limit <= 0;
        // Load that neither this gateway nor a peer has open there: gateways it does not hear from.
        share.unexplained = others - load.peers().inflight() >= EngineAllowance.UNEXPLAINED;
        for (int i = 0; i < allowances.length; i++) {
            share.room[i] = Math.max(0, (long) Math.floor(limit + allowances[i] - others));
        }
        if (load.fresh(now, staleAfterNanos)) {
            expireLater(share, now - load.scrapeAgeNanos(now));
        }
    }

    private void expireLater(Share share, long scrapedAt) {
        if (share.expiry != null && share.expiry.scrapedAt() == scrapedAt) {
            return;
        }
        share.expiry = new Expiry(share, scrapedAt);
        expiries.add(share.expiry);
        if (expiries.size() > 2 * shares.length + 16) {
            // Mostly scrapes a later one replaced: dropped, so the queue holds about one per replica.
            expiries.removeIf(expiry -> expiry.share().expiry != expiry);
        }
    }

    private int learn(String authority, EndpointLoad load, long now) {
        double waiting = load.scrapedWaiting(now, staleAfterNanos);
        double running = load.scrapedRunning(now, staleAfterNanos);
        if (waiting > 0 && running >= 1) {
            return learned.merge(authority, (int) running, Math::max);
        }
        return learned.getOrDefault(authority, 0);
    }

    /** Forgets the limits of replicas that are gone (a new pod may run another configuration). */
    void retain(Collection<Endpoint> endpoints) {
        Set<String> known = new HashSet<>();
        endpoints.forEach(endpoint -> known.add(endpoint.authority()));
        learned.keySet().retainAll(known);
        forgotten = true;
    }

    /** The learnt batch limit of a replica, 0 when not known. */
    int learnedLimit(Endpoint endpoint) {
        return learned.getOrDefault(endpoint.authority(), 0);
    }
}
