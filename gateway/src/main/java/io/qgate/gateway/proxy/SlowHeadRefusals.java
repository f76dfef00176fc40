package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The request heads of one event loop that are past {@code server.request-head-timeout}, answered
 * 408 a few at a time, oldest first, at most {@code server.slow-head-refusals-per-second} (shared
 * among the event loops).
 *
 * <p>Why not at once: an attacker that opens thousands of slow connections in one second and
 * trickles a byte into each of them on the same tick sees them all time out on the same tick.
 * Answering them there means thousands of 408s, closes, and (as the attacker reconnects)
 * thousands of accepts in one turn of the event loops, which then serve no one else for a few
 * hundred milliseconds: the connection flood of {@code bench/results/flood-2026-12-06} showed real
 * clients' p99 grow 13x in those waves and nowhere else. At a bounded rate the same work is spread
 * thin, and a head kept waiting a few seconds more for its 408 costs nothing but its connection,
 * which it held anyway. A client whose connection closes while it waits is skipped.
 *
 * <p>A token bucket refilled by the gateway's clock, drained every {@link #TICK_MILLIS} ms
 * while heads wait; a burst of at most one tick's worth (at least one head). Used from its event
 * loop only.
 */
final class SlowHeadRefusals {

    /** A head waiting for its 408. */
    interface Overdue {
        /** Answers 408 and closes; false if the connection had already closed (no refusal spent). */
        boolean refuse();
    }

    private static final Logger log = LoggerFactory.getLogger(SlowHeadRefusals.class);
    static final long TICK_MILLIS = 10;
    /** The log says heads are being held back at most this often, per event loop. */
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EventLoop loop;
    private final LongSupplier clock;
    /** What one refusal costs of the allowance, in nanoseconds of refill. */
    private final long costNanos;
    private final long burstNanos;
    private final ArrayDeque<Overdue> waiting = new ArrayDeque<>();
    /** Whole nanoseconds, so the refill adds up exactly. */
    private long allowanceNanos;
    private long refilledAt;
    private boolean draining;
    private long loggedAt;
    private boolean logged;

    /** @param perSecond this event loop's share of the gateway's refusals per second */
    SlowHeadRefusals(EventLoop loop, LongSupplier clock, double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: > 0)");
        }
        this.loop = loop;
        this.clock = clock;
        this.costNanos = Math.max(1, Math.round(TimeUnit.SECONDS.toNanos(1) / perSecond));
        this.burstNanos = Math.max(costNanos, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
        this.allowanceNanos = burstNanos;
        this.refilledAt = clock.getAsLong();
    }

    /** Queues a head past its timeout; answered now if the allowance has room, else on a later tick. */
    void add(Overdue head) {
        assert loop.inEventLoop();
        waiting.add(head);
        drain();
    }

    int waiting() {
        return waiting.size();
    }

    /** Refuses what the allowance permits; runs on every tick while heads wait. */
    void drain() {
        long now = clock.getAsLong();
        allowanceNanos = Math.min(burstNanos, allowanceNanos + Math.max(0, now - refilledAt));
        refilledAt = now;
        while (allowanceNanos >= costNanos && !waiting.isEmpty()) {
            if (waiting.poll().refuse()) {
                allowanceNanos -= costNanos;
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        logHeldBack(now);
        if (!draining && !loop.isShuttingDown()) {
            // A loop shutting down takes no new task; its connections close with it.
            draining = true;
            loop.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        draining = false;
        drain();
    }

    private void logHeldBack(long now) {
        if (logged && now - loggedAt < LOG_EVERY_NANOS) {
            return;
        }
        logged = true;
        loggedAt = now;
        log.info("{} slow request heads wait for their 408 on {} (server.slow-head-refusals-per-second spreads "
                + "them out; logged at most once a minute)", waiting.size(), Thread.currentThread().getName());
    }
}
