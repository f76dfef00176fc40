package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The gateway's own limit on requests at the replicas, and the bounded queue in front of it.
 *
 * <p>A request holds a slot from the moment it is admitted until its answer is over. When every
 * slot is taken it waits here, in arrival order, instead of piling onto engines that are already
 * saturated: it is routed when a slot frees, to whichever replica is best at that moment. When
 * the queue is full too, the request is refused at once (429 with {@code Retry-After}), so a
 * load spike costs clients a fast, retryable answer rather than the gateway its memory.
 *
 * <p>The limit is the smaller of a fixed number per gateway and a number per ready replica (so it
 * grows as the autoscaler adds replicas); with no ready replica the per-replica limit does not
 * apply and the router answers 503 at once, unless the pool scales from zero: then requests
 * are held here until a replica is ready, and while any held request remains, at most
 * {@code releasePerReplica} per ready replica are in flight, so a replica that just woke starts
 * what it can and the rest wait for it, or for the next replica, here rather than in its queue.
 * Requests arriving once a replica is ready queue behind the held ones (arrival order) but do not
 * prolong the wake: once the last held request is sent on, the usual limit applies again, else
 * steady traffic would keep the queue non-empty and the pool capped for as long as it lasts.
 * Thread-safe: one short lock per admission and release; a freed slot passes straight to the
 * oldest waiter, which continues on its own event loop.
 */
public final class Admission {

    /** A request waiting for a slot. */
    interface Waiter {
        EventLoop loop();

        /** The waiter holds a slot now; called on its own event loop. */
        void admitted();

        /** The gateway is draining and will not wait for a replica to wake: refuse; on its own loop. */
        void drained();
    }

    /** What became of a request that found no free slot. */
    enum Outcome { ADMITTED, QUEUED, REJECTED }

    private final int maxInflight;
    private final int maxPerReplica;
    private final int queueSize;
    private final int releasePerReplica;
    private final IntSupplier readyReplicas;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inflight;
    private volatile int queued;
    /** The queued requests that arrived while no replica was ready. */
    private final Set<Waiter> held = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Requests held for a replica to wake are still queued. */
    private volatile boolean waking;

    /**
     * @param maxInflight   slots per gateway (0: no fixed limit)
     * @param maxPerReplica slots per ready replica (0: no such limit)
     * @param queueSize     requests that may wait for a slot
     */
    public Admission(int maxInflight, int maxPerReplica, int queueSize, IntSupplier readyReplicas) {
        this(maxInflight, maxPerReplica, queueSize, 0, readyReplicas);
    }

    /**
     * @param releasePerReplica 0: never hold (no ready replica means 503 at once); else hold
     *                          requests while no replica is ready and send held ones on at most
     *                          this many per ready replica
     */
    public Admission(int maxInflight, int maxPerReplica, int queueSize, int releasePerReplica,
                     IntSupplier readyReplicas) {
        this.maxInflight = maxInflight;
        this.maxPerReplica = maxPerReplica;
        this.queueSize = queueSize;
        this.releasePerReplica = releasePerReplica;
        this.readyReplicas = readyReplicas;
    }

    /** Slots now: the smaller of the two limits; {@link Integer#MAX_VALUE} when neither applies. */
    public int limit() {
        int ready = readyReplicas.getAsInt();
        if (releasePerReplica > 0 && ready == 0) {
            return 0;
        }
        long limit = maxInflight > 0 ? maxInflight : Integer.MAX_VALUE;
        if (maxPerReplica > 0 && ready > 0) {
            limit = Math.min(limit, (long) maxPerReplica * ready);
        }
        return (int) limit;
    }

    /** Takes a slot if one is free and nobody waits for it; no allocation on this path. */
    synchronized boolean tryAcquire() {
        if (queue.isEmpty() && inflight < limit()) {
            inflight++;
            return true;
        }
        return false;
    }

    /** Takes a slot, or queues {@code waiter} for one, or refuses when the queue is full. */
    synchronized Outcome acquireOrQueue(Waiter waiter) {
        if (queue.isEmpty() && inflight < limit()) {
            inflight++;
            return Outcome.ADMITTED;
        }
        if (queue.size() >= queueSize) {
            return Outcome.REJECTED;
        }
        queue.addLast(waiter);
        queued = queue.size();
        if (holding()) {
            held.add(waiter);
            waking = true;
        }
        return Outcome.QUEUED;
    }

    /** A waiter gives up (timeout, client gone); false when it was already handed a slot. */
    synchronized boolean withdraw(Waiter waiter) {
        boolean removed = queue.remove(waiter);
        queued = queue.size();
        held.remove(waiter);
        waking = !held.isEmpty();
        return removed;
    }

    /** A request holding a slot is over: the slot goes to the oldest waiter, if the limit allows. */
    public void release() {
        Waiter next;
        synchronized (this) {
            inflight--;
            next = pollAdmittable();
        }
        if (next != null) {
            handOver(next);
            // The last held request may have gone: the ones behind it fit the usual limit now.
            limitChanged();
        }
    }

    /**
     * The limit may have grown (replicas became ready): admit as many waiters as now fit.
     * Cheap when nobody waits.
     */
    public void limitChanged() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = pollAdmittable();
            }
            if (next == null) {
                return;
            }
            handOver(next);
        }
    }

    /** The oldest waiter, now counted in flight, when a slot is free for it. Under the lock. */
    private Waiter pollAdmittable() {
        if (queue.isEmpty()) {
            held.clear();
            waking = false;
            return null;
        }
        int limit = limit();
        if (waking) {
            limit = (int) Math.min(limit, (long) releasePerReplica * readyReplicas.getAsInt());
        }
        if (inflight >= limit) {
            return null;
        }
        Waiter next = queue.pollFirst();
        queued = queue.size();
        held.remove(next);
        waking = !held.isEmpty();
        inflight++;
        return next;
    }

    private static void handOver(Waiter waiter) {
        // Always as a task, even on the waiter's own loop: a waiter that fails at once releases
        // its slot to the next, and calling straight through would nest one frame per waiter.
        waiter.loop().execute(waiter::admitted);
    }

    /**
     * The gateway drains: requests held for a replica to wake are refused now (their clients
     * retry on another gateway) rather than cut when the gateway closes.
     */
    public void refuseHeld() {
        List<Waiter> refused;
        synchronized (this) {
            if (!waking) {
                return;
            }
            refused = new ArrayList<>(queue);
            queue.clear();
            held.clear();
            queued = 0;
            waking = false;
        }
        refused.forEach(waiter -> waiter.loop().execute(waiter::drained));
    }

    /** No replica is ready and the pool holds requests until one is: waiting is for a replica to wake. */
    public boolean holding() {
        return releasePerReplica > 0 && readyReplicas.getAsInt() == 0;
    }

    /** Requests held for a replica to wake, still waiting: {@code qgate_pool_waiting_for_replica}. */
    public int waitingForReplica() {
        return waking ? queued : 0;
    }

    /** Requests waiting for a slot: {@code qgate_queue_length}. */
    public int queued() {
        return queued;
    }

    /** Requests that may wait for a slot. */
    public int queueCapacity() {
        return queueSize;
    }

    /** Requests holding a slot. */
    public synchronized int inflight() {
        return inflight;
    }
}
