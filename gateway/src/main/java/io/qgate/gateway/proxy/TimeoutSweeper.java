package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The first-byte and idle timeouts of every upstream call on one event loop, checked by one periodic
 * sweep instead of a timer per request: scheduling and cancelling two timers for each of tens of
 * thousands of requests a second costs more than looking at the open exchanges a few times a
 * second. A timeout fires up to one sweep interval late; the interval is a tenth of the shortest
 * timeout, between 10 ms and 1 s.
 *
 * <p>The watched exchanges form an intrusive doubly-linked list, so watching and unwatching
 * allocate nothing. Time is the gateway's clock (the router's), so tests move it instead of
 * waiting. Used from its event loop only.
 */
final class TimeoutSweeper {

    /** An exchange with deadlines; the links belong to the sweeper. */
    abstract static class Watched {
        private Watched previous;
        private Watched next;
        private boolean watched;

        /** Expires the exchange if its deadline has passed. */
        abstract void expireIfDue(long nowNanos);
    }

    private final EventLoop loop;
    private final LongSupplier clock;
    private final long firstByteNanos;
    private final long idleNanos;
    private final long intervalNanos;
    private Watched head;
    private ScheduledFuture<?> sweep;

    /**
     * @param firstByteNanos how long a replica may take to send a response head
     * @param idleNanos      how long a replica may stay silent in the middle of a response
     */
    TimeoutSweeper(EventLoop loop, LongSupplier clock, long firstByteNanos, long idleNanos) {
        this.loop = loop;
        this.clock = clock;
        this.firstByteNanos = firstByteNanos;
        this.idleNanos = idleNanos;
        this.intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), Math.min(firstByteNanos, idleNanos) / 10));
    }

    long nowNanos() {
        return clock.getAsLong();
    }

    long firstByteNanos() {
        return firstByteNanos;
    }

    long idleNanos() {
        return idleNanos;
    }

    void watch(Watched exchange) {
        assert loop.inEventLoop();
        if (exchange.watched) {
            return;
        }
        exchange.watched = true;
        exchange.previous = null;
        exchange.next = head;
        if (head != null) {
            head.previous = exchange;
        }
        head = exchange;
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(this::sweep, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    void unwatch(Watched exchange) {
        if (!exchange.watched) {
            return;
        }
        exchange.watched = false;
        if (exchange.previous != null) {
            exchange.previous.next = exchange.next;
        } else {
            head = exchange.next;
        }
        if (exchange.next != null) {
            exchange.next.previous = exchange.previous;
        }
        exchange.previous = null;
        exchange.next = null;
    }

    /** Expires what is due now; runs periodically, and from tests that move the clock. */
    void sweep() {
        long now = clock.getAsLong();
        Watched current = head;
        while (current != null) {
            // Read the link first: expiring an exchange unwatches it.
            Watched following = current.next;
            current.expireIfDue(now);
            current = following;
        }
    }

    void stop() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }
}
