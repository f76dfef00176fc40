package io.qgate.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to every replica, owned by one event loop: the loop of the client
 * connections that use them, so a request and its upstream connection never cross threads and
 * the pool needs no locks. Every method must be called on {@link #loop()}.
 *
 * <p>Per replica at most {@code maxConnections} are open and at most {@code maxConnecting} are
 * being opened; a request that finds none free and may not open one waits (bounded by the connect
 * timeout) for a connection to be released or opened. The second limit keeps a burst of new
 * clients (a reconnect storm, or a load generator starting cold) from becoming a burst of
 * connects to the replicas: most of the waiting requests are served by connections that other
 * requests release meanwhile, instead of each costing a connection on both sides. The most
 * recently used idle connection is taken first, so that surplus connections go idle and are
 * closed by the idle timeout in {@link UpstreamChannelInitializer}.
 */
final class UpstreamPool {

    /** Receives the outcome of {@link #acquire}. */
    interface Acquirer {
        void acquired(Channel channel, boolean reused);

        void acquireFailed(Throwable cause);
    }

    /** Raised when a replica's connection limit stays reached for the whole wait. */
    static final class PoolExhaustedException extends Exception {
        private static final long serialVersionUID = 1L;

        PoolExhaustedException(String message) {
            super(message, null, false, false);
        }
    }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int maxConnecting;
    private final long acquireTimeoutNanos;
    private final Map<String, Connections> byAddress = new HashMap<>();
    private final TimeoutSweeper timeouts;

    /** @param timeouts the response timeouts of the calls on {@code loop} */
    UpstreamPool(EventLoop loop, Bootstrap bootstrap, int maxConnections, int maxConnecting,
                 long acquireTimeoutNanos, TimeoutSweeper timeouts) {
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.maxConnections = maxConnections;
        this.maxConnecting = maxConnecting;
        this.acquireTimeoutNanos = acquireTimeoutNanos;
        this.timeouts = timeouts;
    }

    EventLoop loop() {
        return loop;
    }

    /** The response timeouts of the calls on this loop, and the clock they run on. */
    TimeoutSweeper timeouts() {
        return timeouts;
    }

    void acquire(Endpoint endpoint, Acquirer acquirer) {
        acquire(endpoint, acquirer, true);
    }

    /**
     * As {@link #acquire(Endpoint, Acquirer)}; with {@code reuseIdle} false an idle connection is
     * not taken (a new one is opened, or a released one awaited): after a pooled connection turned
     * out dead, its idle siblings may be too, their close not yet noticed.
     */
    void acquire(Endpoint endpoint, Acquirer acquirer, boolean reuseIdle) {
        assert loop.inEventLoop();
        byAddress.computeIfAbsent(endpoint.authority(), a -> new Connections(endpoint)).acquire(acquirer, reuseIdle);
    }

    /** Gives a connection back; one that cannot carry another request is closed instead. */
    void release(Endpoint endpoint, Channel channel, boolean reusable) {
        assert loop.inEventLoop();
        Connections connections = byAddress.get(endpoint.authority());
        if (connections == null || !reusable || !channel.isActive()) {
            channel.close();
            return;
        }
        // An exchange may have paused reading for a slow client; an idle connection reads, so
        // that a close by the replica is noticed at once and the connection leaves the pool.
        channel.config().setAutoRead(true);
        connections.release(channel);
    }

    /** Closes the idle connections of replicas that are no longer in {@code snapshot}. */
    void retain(EndpointSnapshot snapshot) {
        assert loop.inEventLoop();
        for (Iterator<Connections> it = byAddress.values().iterator(); it.hasNext(); ) {
            Connections connections = it.next();
            if (!snapshot.contains(connections.endpoint)) {
                it.remove();
                connections.closeIdle();
            }
        }
    }

    void closeAll() {
        assert loop.inEventLoop();
        timeouts.stop();
        byAddress.values().forEach(Connections::closeIdle);
        byAddress.clear();
    }

    /** Idle connections, open and opening counts and waiting requests of one replica. */
    private final class Connections {
        private final Endpoint endpoint;
        private final ArrayDeque<Channel> idle = new ArrayDeque<>();
        private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        /** Connections counted from the connect until they are closed, opening ones included. */
        private int open;
        private int connecting;

        Connections(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        void acquire(Acquirer acquirer, boolean reuseIdle) {
            Channel channel;
            while (reuseIdle && (channel = idle.pollLast()) != null) {
                if (channel.isActive()) {
                    acquirer.acquired(channel, true);
                    return;
                }
            }
            if (mayConnect()) {
                connect(acquirer);
                return;
            }
            Waiter waiter = new Waiter(acquirer);
            waiter.timeout = loop.schedule(() -> {
                if (waiters.remove(waiter)) {
                    acquirer.acquireFailed(new PoolExhaustedException(open >= maxConnections
                            ? "all " + maxConnections + " connections to " + endpoint.authority() + " stayed busy"
                            : "no connection to " + endpoint.authority() + " was free or could be opened in time"));
                }
            }, acquireTimeoutNanos, TimeUnit.NANOSECONDS);
            waiters.addLast(waiter);
        }

        private boolean mayConnect() {
            return open < maxConnections && connecting < maxConnecting;
        }

        /** A connect ended or a connection closed: a waiting request may open one now. */
        private void connectForWaiter() {
            Waiter waiter;
            if (mayConnect() && (waiter = waiters.pollFirst()) != null) {
                waiter.timeout.cancel(false);
                connect(waiter.acquirer);
            }
        }

        void release(Channel channel) {
            Waiter waiter = waiters.pollFirst();
            if (waiter != null) {
                waiter.timeout.cancel(false);
                waiter.acquirer.acquired(channel, true);
            } else {
                idle.addLast(channel);
            }
        }

        private void connect(Acquirer acquirer) {
            open++;
            connecting++;
            ChannelFuture connect = bootstrap.connect(endpoint.host(), endpoint.port());
            // Every connection, failed or not, is closed exactly once: count it down there.
            connect.channel().closeFuture().addListener(f -> onClosed(connect.channel()));
            connect.addListener(f -> {
                connecting--;
                if (f.isSuccess()) {
                    acquirer.acquired(connect.channel(), false);
                } else {
                    acquirer.acquireFailed(f.cause());
                }
                connectForWaiter();
            });
        }

        private void onClosed(Channel channel) {
            open--;
            idle.remove(channel);
            connectForWaiter();
        }

        void closeIdle() {
            Channel channel;
            while ((channel = idle.pollFirst()) != null) {
                channel.close();
            }
        }
    }

    private static final class Waiter {
        final Acquirer acquirer;
        ScheduledFuture<?> timeout;

        Waiter(Acquirer acquirer) {
            this.acquirer = acquirer;
        }
    }
}
