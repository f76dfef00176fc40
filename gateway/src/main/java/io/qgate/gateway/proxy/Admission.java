package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The gateway's own limit on requests at a pool's replicas, and the bounded queue in front of it.
 *
 * <p>A request holds a slot from the moment it is admitted until its answer is over. When every
 * slot is taken it waits here instead of piling onto engines that are already saturated: it is
 * routed when a slot frees, to whichever replica is best at that moment (late binding). Waiting
 * requests go most urgent priority first, and fairly across tenants by work within a priority
 * ({@link WaitQueue}). When the queue is full the newcomer is refused at once (429 with
 * {@code Retry-After}), unless it can push out a sheddable request less urgent than itself.
 *
 * <p>The limit is the smallest of a fixed number per gateway, a number per ready replica, and
 * the room the replicas' engines have ({@code engineRoom}: their batch limits plus a small
 * allowance, less what other gateways keep there; unbounded until a limit is known). With no
 * ready replica the first two do not apply and the router answers 503 at once, unless the pool
 * scales from zero: then requests are held here until a replica is ready, and while any held
 * request remains, at most {@code releasePerReplica} per ready replica are in flight, so a
 * replica that just woke starts what it can and the rest wait here for it or the next one.
 * Requests arriving once a replica is ready do not prolong the wake: once the last request held
 * at zero is sent on, the usual limit applies again (else steady traffic would keep the queue
 * non-empty and the pool capped for as long as it lasts).
 *
 * <p>Thread-safe: one short lock per admission and release; a freed slot passes straight to the
 * next waiter, which continues on its own event loop.
 */
public final class Admission {

    /** A request waiting for a slot. */
    interface Waiter extends WaitQueue.Entry {
        EventLoop loop();

        /** The waiter holds a slot now; called on its own event loop. */
        void admitted();

        /** The gateway is draining and will not wait for a replica to wake: refuse; on its own loop. */
        void drained();

        /** A more urgent request took its place in the full queue: refuse; on its own loop. */
        void shed();
    }

    /** What became of a request that found no free slot. */
    enum Outcome { ADMITTED, QUEUED, REJECTED }

    /** No priority is sheddable. */
    public static final int NONE_SHEDDABLE = Integer.MAX_VALUE;

    private final int maxInflight;
    private final int maxPerReplica;
    private final int queueSize;
    private final int releasePerReplica;
    private final int sheddableAbove;
    private final IntSupplier readyReplicas;
    private final IntSupplier engineRoom;
    private final WaitQueue<Waiter> queue = new WaitQueue<>();
    private int inflight;
    private volatile int queued;
    /** The queued requests that arrived while no replica was ready. */
    private final Set<Waiter> held = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Requests held for a replica to wake are still queued. */
    private volatile boolean waking;

    /** The fixed limits only: no engine room, no holding, nothing sheddable. */
    public Admission(int maxInflight, int maxPerReplica, int queueSize, IntSupplier readyReplicas) {
        this(maxInflight, maxPerReplica, queueSize, 0, readyReplicas);
    }

    /** The fixed limits and holding while no replica is ready; no engine room, nothing sheddable. */
    public Admission(int maxInflight, int maxPerReplica, int queueSize, int releasePerReplica,
                     IntSupplier readyReplicas) {
        this(maxInflight, maxPerReplica, queueSize, releasePerReplica, NONE_SHEDDABLE, readyReplicas,
                () -> Integer.MAX_VALUE);
    }

    /**
     * @param releasePerReplica 0: never hold (no ready replica means 503 at once); else hold
     *                          requests while no replica is ready and send held ones on at most
     *                          this many per ready replica
     * @param sheddableAbove    requests with a priority above this may be pushed out of a full
     *                          queue by more urgent ones ({@link #NONE_SHEDDABLE}: none)
     * @param engineRoom        requests this gateway may have at the replicas before their engines
     *                          are saturated; {@link Integer#MAX_VALUE} when unknown
     */
    public Admission(int maxInflight, int maxPerReplica, int queueSize, int releasePerReplica, int sheddableAbove,
                     IntSupplier readyReplicas, IntSupplier engineRoom) {
        this.maxInflight = maxInflight;
        this.maxPerReplica = maxPerReplica;
        this.queueSize = queueSize;
        this.releasePerReplica = releasePerReplica;
        this.sheddableAbove = sheddableAbove;
        this.readyReplicas = readyReplicas;
        this.engineRoom = engineRoom;
    }

    /** Slots now: the smallest of the limits; {@link Integer#MAX_VALUE} when none applies. */
    public int limit() {
        int ready = readyReplicas.getAsInt();
        if (releasePerReplica > 0 && ready == 0) {
            return 0;
        }
        long limit = maxInflight > 0 ? maxInflight : Integer.MAX_VALUE;
        if (maxPerReplica > 0 && ready > 0) {
            limit = Math.min(limit, (long) maxPerReplica * ready);
        }
        if (ready > 0) {
            limit = Math.min(limit, engineRoom.getAsInt());
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
    Outcome acquireOrQueue(Waiter waiter) {
        Waiter shed;
        synchronized (this) {
            if (queue.isEmpty() && inflight < limit()) {
                inflight++;
                return Outcome.ADMITTED;
            }
            shed = null;
            if (queue.size() >= queueSize) {
                shed = queue.shedFor(waiter.priority(), sheddableAbove);
                if (shed == null) {
                    return Outcome.REJECTED;
                }
                held.remove(shed);
            }
            queue.add(waiter);
            queued = queue.size();
            if (holding()) {
                held.add(waiter);
            }
            waking = !held.isEmpty();
        }
        if (shed != null) {
            Waiter refused = shed;
            refused.loop().execute(refused::shed);
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

    /** A request holding a slot is over: the slot goes to the next waiter, if the limit allows. */
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
     * The limit may have grown (replicas became ready, engines drained): admit as many waiters as
     * now fit. Cheap when nobody waits.
     */
    public void limitChanged() {
        if (queued == 0) {
            return;
        }
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
            refused = queue.drain();
            held.clear();
            queued = 0;
            waking = false;
        }
        refused.forEach(waiter -> waiter.loop().execute(waiter::drained));
    }

    /** The next waiter, now counted in flight, when a slot is free for it. Under the lock. */
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
        Waiter next = queue.poll();
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

    /** No replica is ready and the pool holds requests until one is: waiting is for a replica to wake. */
    public boolean holding() {
        return releasePerReplica > 0 && readyReplicas.getAsInt() == 0;
    }

    /** Requests held for a replica to wake, still waiting: {@code qgate_pool_waiting_for_replica}. */
    public int waitingForReplica() {
        return waking ? queued : 0;
    }

    /** Requests waiting for a slot. */
    public int queued() {
        return queued;
    }

    /** Requests of one priority band waiting: {@code qgate_queue_length{priority}}. */
    public synchronized int queued(PriorityBand band) {
        return queue.size(band);
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
