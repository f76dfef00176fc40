package io.qgate.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.qgate.routing.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's limits on a plain loopback listener that accepts and holds connections. */
class UpstreamPoolTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(2);

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private Thread acceptor;
    private EventLoopGroup group;
    private EventLoop loop;

    @BeforeEach
    void start() throws Exception {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (Exception closed) {
                // the test is over
            }
        }, "pool-test-acceptor");
        acceptor.start();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(2000);
        for (Socket socket : accepted) {
            socket.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private UpstreamPool pool(int maxConnections, int maxConnecting) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        // nothing is read or written: the tests are about the pool's bookkeeping
                    }
                });
        return new UpstreamPool(loop, bootstrap, maxConnections, maxConnecting, TIMEOUT,
                new TimeoutSweeper(loop, System::nanoTime, TIMEOUT, TIMEOUT));
    }

    /**
     * Ten requests at once, each giving its connection back as soon as it has one: with two
     * connects allowed at a time, the eight others are served by released connections, so only
     * two connections are ever opened.
     */
    @Test
    void aBurstWaitsForReleasedConnectionsRatherThanOpeningOneEach() throws Exception {
        Served served = burstOfTenReleasing(2);

        assertThat(served.fresh.get()).isEqualTo(2);
        assertThat(served.failures).isEmpty();
    }

    /** Without the connect limit, the same burst opens a connection per request. */
    @Test
    void withoutAConnectLimitEveryRequestOfABurstConnects() throws Exception {
        Served served = burstOfTenReleasing(1024);

        assertThat(served.fresh.get()).isEqualTo(10);
    }

    private Served burstOfTenReleasing(int maxConnecting) throws Exception {
        Endpoint endpoint = Endpoint.of("127.0.0.1", server.getLocalPort());
        UpstreamPool pool = pool(1024, maxConnecting);
        Served served = new Served(10);
        loop.execute(() -> {
            for (int i = 0; i < 10; i++) {
                pool.acquire(endpoint, served.releasingTo(pool, endpoint));
            }
        });
        assertThat(served.all().get(5, TimeUnit.SECONDS)).isEqualTo(10);
        return served;
    }

    /**
     * Requests that keep their connections: each connect that ends lets the next waiting request
     * open one, so all are served, never more than the limit being opened at once.
     */
    @Test
    void heldConnectionsAreOpenedAFewAtATimeUntilEveryRequestHasOne() throws Exception {
        Endpoint endpoint = Endpoint.of("127.0.0.1", server.getLocalPort());
        UpstreamPool pool = pool(1024, 3);
        Served served = new Served(12);
        loop.execute(() -> {
            for (int i = 0; i < 12; i++) {
                pool.acquire(endpoint, served.holding());
            }
        });
        assertThat(served.all().get(5, TimeUnit.SECONDS)).isEqualTo(12);
        assertThat(served.fresh.get()).isEqualTo(12);
        assertThat(served.held).hasSize(12).allMatch(Channel::isActive);
        assertThat(served.failures).isEmpty();
    }

    /** At the connection limit a request waits, and gets the next connection given back. */
    @Test
    void atTheConnectionLimitARequestGetsTheNextReleasedConnection() throws Exception {
        Endpoint endpoint = Endpoint.of("127.0.0.1", server.getLocalPort());
        UpstreamPool pool = pool(1, 1);
        Served first = new Served(1);
        loop.execute(() -> pool.acquire(endpoint, first.holding()));
        first.all().get(5, TimeUnit.SECONDS);
        Served second = new Served(1);
        loop.execute(() -> pool.acquire(endpoint, second.holding()));
        Thread.sleep(100);
        assertThat(second.count.get()).isZero();
        Channel channel = first.held.get(0);
        loop.execute(() -> pool.release(endpoint, channel, true));
        second.all().get(5, TimeUnit.SECONDS);
        assertThat(second.held).containsExactly(channel);
        assertThat(second.fresh.get()).isZero();
    }

    /** Counts what a set of requests got from the pool. */
    private static final class Served {
        final int expected;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger fresh = new AtomicInteger();
        final List<Channel> held = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Integer> done = new CompletableFuture<>();

        Served(int expected) {
            this.expected = expected;
        }

        CompletableFuture<Integer> all() {
            return done;
        }

        UpstreamPool.Acquirer releasingTo(UpstreamPool pool, Endpoint endpoint) {
            return acquirer(channel -> pool.release(endpoint, channel, true));
        }

        UpstreamPool.Acquirer holding() {
            return acquirer(held::add);
        }

        private UpstreamPool.Acquirer acquirer(java.util.function.Consumer<Channel> use) {
            return new UpstreamPool.Acquirer() {
                @Override
                public void acquired(Channel channel, boolean reused) {
                    if (!reused) {
                        fresh.incrementAndGet();
                    }
                    use.accept(channel);
                    if (count.incrementAndGet() == expected) {
                        done.complete(expected);
                    }
                }

                @Override
                public void acquireFailed(Throwable cause) {
                    failures.add(cause);
                    done.completeExceptionally(cause);
                }
            };
        }
    }
}
