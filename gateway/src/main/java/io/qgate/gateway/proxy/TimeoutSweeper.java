package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first-byte and idle timeouts of every exchange on one event loop, checked by one periodic
 * sweep instead of a timer per request: scheduling and cancelling two timers for each of tens of
 * thousands of requests a second costs more than looking at the open exchanges a few times a
 * second. A timeout fires up to one sweep interval late; the interval is a tenth of the shortest
 * timeout, between 10 ms and 1 s.
 */
final class TimeoutSweeper {

    /** What the sweeper asks of each exchange. */
    interface Watched {
        /** Expires the exchange if its deadline has passed; returns whether it did. */
        boolean expireIfDue(long nowNanos);
    }

    private final EventLoop loop;
    private final long intervalNanos;
    private final LinkedHashSet<Watched> watched = new LinkedHashSet<>();
    private ScheduledFuture<?> sweep;

    TimeoutSweeper(EventLoop loop, long shortestTimeoutNanos) {
        this.loop = loop;
        this.intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), shortestTimeoutNanos / 10));
    }

    void watch(Watched exchange) {
        assert loop.inEventLoop();
        watched.add(exchange);
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(this::sweep, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    void unwatch(Watched exchange) {
        watched.remove(exchange);
    }

    private void sweep() {
        if (watched.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        // Copy first: expiring an exchange unwatches it (and may start the next request).
        List<Watched> snapshot = new ArrayList<>(watched);
        for (Watched exchange : snapshot) {
            exchange.expireIfDue(now);
        }
    }

    void stop() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }
}
