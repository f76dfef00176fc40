package io.qgate.bench.harness.stub;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.qgate.gateway.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica that costs as little as a replica can: fixed answers, no model, no parsing beyond
 * finding {@code "stream":true}. Behind it the proxy under test is the only thing doing real
 * work per request, which is what a proxy-overhead benchmark needs. Listens on 127.0.0.1 only.
 */
public final class StubServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicInteger openStreams = new AtomicInteger();

    private StubServer(StubOptions options) {
        this.group = Transport.best().newGroup(options.ioThreads(), "qgate-stub");
    }

    /** Binds {@code options.replicas()} ephemeral ports; all or none. */
    public static StubServer start(StubOptions options) {
        requireNonNull(options, "options");
        StubServer server = new StubServer(options);
        try {
            for (int i = 0; i < options.replicas(); i++) {
                server.listeners.add(server.bind(options));
            }
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The bound ports, one per replica. */
    public List<Integer> ports() {
        return listeners.stream().map(channel -> ((InetSocketAddress) channel.localAddress()).getPort()).toList();
    }

    /** Streams being written now, over every replica. */
    public int openStreams() {
        return openStreams.get();
    }

    private Channel bind(StubOptions options) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transport.best().serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new StubHandler(options, openStreams));
                    }
                });
        ChannelFuture bound = bootstrap.bind("127.0.0.1", 0).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("stub: cannot bind 127.0.0.1", bound.cause());
        }
        return bound.channel();
    }

    @Override
    public void close() {
        listeners.forEach(channel -> channel.close().awaitUninterruptibly());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
