package io.qgate.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.EndpointSnapshot;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** One {@link UpstreamPool} per event loop, created on first use. */
public final class UpstreamPools {

    private final ConcurrentHashMap<EventExecutor, UpstreamPool> byLoop = new ConcurrentHashMap<>();
    private final Transport transport;
    private final GatewayConfig config;
    private final ChannelGroup connections;
    private final LongSupplier clock;

    /**
     * @param connections where every replica connection is registered, so shutdown can close them
     * @param clock       the gateway's clock, which the response timeouts run on
     */
    public UpstreamPools(Transport transport, GatewayConfig config, ChannelGroup connections, LongSupplier clock) {
        this.transport = transport;
        this.config = config;
        this.connections = connections;
        this.clock = clock;
    }

    UpstreamPool forLoop(EventLoop loop) {
        UpstreamPool pool = byLoop.get(loop);
        if (pool == null) {
            // Only this loop creates its own pool, so a get-then-put cannot race.
            TimeoutSweeper timeouts = new TimeoutSweeper(loop, clock, config.firstByteTimeout().toNanos(),
                    config.upstreamIdleTimeout().toNanos());
            pool = new UpstreamPool(loop, bootstrap(loop), config.maxConnectionsPerEndpoint(),
                    config.maxConnectingPerEndpoint(), config.connectTimeout().toNanos(), timeouts);
            byLoop.put(loop, pool);
        }
        return pool;
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new UpstreamChannelInitializer(config.poolIdleTimeout().toNanos(), connections));
    }

    /** Closes pooled connections to replicas that discovery no longer lists. */
    public void retain(EndpointSnapshot snapshot) {
        byLoop.values().forEach(pool -> pool.loop().execute(() -> pool.retain(snapshot)));
    }

    /** Closes every idle pooled connection; connections in use close with their exchange. */
    public void closeAll() {
        byLoop.values().forEach(pool -> {
            if (!pool.loop().isShuttingDown()) {
                pool.loop().execute(pool::closeAll);
            }
        });
    }
}
