package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.pool.ModelPool;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Batcher} per event loop of one model pool, created on first use. Batching per loop keeps it free of
 * locks and cross-thread hand-offs; the price is that only requests whose connections share a
 * loop can share an upstream call.
 */
public final class Batchers {

    private final ConcurrentHashMap<EventExecutor, Batcher> byLoop = new ConcurrentHashMap<>();
    private final BatchMeters meters;

    public Batchers(BatchMeters meters) {
        this.meters = meters;
    }

    /** The batcher of {@code loop}, for the requests of the pool these batchers belong to. */
    Batcher forLoop(EventLoop loop, ProxyContext context, ModelPool pool) {
        Batcher batcher = byLoop.get(loop);
        if (batcher == null) {
            // Only this loop creates its own batcher, so a get-then-put cannot race.
            batcher = new Batcher(loop, context, pool, meters);
            byLoop.put(loop, batcher);
        }
        return batcher;
    }
}
