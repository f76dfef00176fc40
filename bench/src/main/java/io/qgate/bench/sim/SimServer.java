package io.qgate.bench.sim;

import io.qgate.gateway.Transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One simulated LiteLLM + vLLM replica listening on loopback or any host: the OpenAI API, a
 * health check and vLLM's {@code /metrics}, optionally on a port of its own.
 *
 * <pre>{@code
 * try (SimServer sim = SimServer.start(SimOptions.defaults().with(o -> {
     o.port = 0;
     o.timeScale = 0.1;
 }))) {
 *     URI base = URI.create("http://127.0.0.1:" + sim.port());
 * }
 * }</pre>
 */
public final class SimServer implements AutoCloseable {

    private static final Transport TRANSPORT = Transport.best();

    private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final SimOptions options;
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup("sim-connections", GlobalEventExecutor.INSTANCE);
    private final DefaultEventExecutor engineExecutor;
    private final Engine engine;
    private final SimMetrics metrics;
    private final SimContext sim;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel apiChannel;
    private Channel metricsChannel;
    /** Makes the extra handler of each API connection, or {@code null}; see {@link #start(SimOptions, Supplier)}. */
    private Supplier<? extends ChannelHandler> connectionObserver;

    private SimServer(SimOptions options) {
        this.options = options;
        // Daemon threads: a test that forgets close() must not keep the JVM alive.
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                new DefaultThreadFactory("qgate-sim-io", true), TRANSPORT.ioHandlerFactory());
        this.engineExecutor = new DefaultEventExecutor(new DefaultThreadFactory("qgate-sim-engine", true));
        LoraState lora = options.lora() ? new LoraState(options.maxLoras()) : null;
        GpuGauges gpu = options.gpuMetrics() ? new GpuGauges(options.seed(), System.nanoTime()) : null;
        this.metrics = new SimMetrics(options.model(), lora, gpu);
        LatencyModel latency = LatencyModel.of(options);
        this.engine = new Engine(engineExecutor, latency, new PrefixCache(options.prefixCacheBlocks()), metrics,
                lora, latency.nanos(options.loraLoadMs()), options.schedulingPolicy());
        this.sim = new SimContext(options, engine, metrics);
    }

    /**
     * Starts a replica and returns once its ports are bound.
     *
     * @throws IllegalStateException when a port cannot be bound
     */
    public static SimServer start(SimOptions options) {
        return start(options, null);
    }

    /**
     * As {@link #start(SimOptions)}, with one more handler on every API connection, right after the
     * HTTP codec: it sees each decoded request and each response part on its way out, and may act on
     * the connection (a fault-injecting harness resets connections this way). Made once per connection.
     */
    public static SimServer start(SimOptions options, Supplier<? extends ChannelHandler> connectionObserver) {
        SimServer server = new SimServer(requireNonNull(options, "options"));
        server.connectionObserver = connectionObserver;
        try {
            boolean separate = options.separateMetricsPort();
            server.apiChannel = server.bind(options.port(), server.sim, true, !separate);
            if (separate) {
                server.metricsChannel = server.bind(options.metricsPort(), server.sim, false, true);
            }
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public SimOptions options() {
        return options;
    }

    /** The bound API port (the actual one when started with port 0). */
    public int port() {
        return ((InetSocketAddress) apiChannel.localAddress()).getPort();
    }

    /** The port serving {@code /metrics}: the API port unless a separate one was asked for. */
    public int metricsPort() {
        return metricsChannel == null ? port() : ((InetSocketAddress) metricsChannel.localAddress()).getPort();
    }

    /** LoRA adapters the engine has loaded into a slot so far (the bench's count; vLLM exports none). */
    public long loraLoads() {
        return metrics.loraLoads();
    }

    /** Logs from now on when the engine's batch slots are taken and freed (for benches; off by default). */
    public SlotLog recordSlots() {
        return engine.recordSlots();
    }

    /** Sequences in the engine's batch now (prefilling or decoding). */
    public int running() {
        return engine.running();
    }

    /** Sequences queued for a slot now. */
    public int waiting() {
        return engine.waiting();
    }

    /** KV-cache use in [0, 1]. */
    public double kvCacheUsage() {
        return engine.kvCacheUsage();
    }

    /** Prompt tokens looked up in the prefix cache so far. */
    public long prefixCacheQueryTokens() {
        return metrics.prefixQueries();
    }

    /** Prompt tokens found in the prefix cache so far, whose prefill was skipped. */
    public long prefixCacheHitTokens() {
        return metrics.prefixHits();
    }

    /**
     * Chat, completion and embeddings requests received so far, valid or not: each is one pass
     * through the modelled proxy, so a gateway that batches makes this grow slower than its
     * clients' request count.
     */
    public long apiRequests() {
        return sim.apiRequests.sum();
    }

    /** The {@code /metrics} text as a scrape would see it now. */
    public String metricsText() {
        return metrics.render(engine);
    }

    /** Closes the listeners and every open connection, and stops the engine; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (apiChannel != null) {
            apiChannel.close().awaitUninterruptibly();
        }
        if (metricsChannel != null) {
            metricsChannel.close().awaitUninterruptibly();
        }
        // Stopping the event loops does not close accepted connections: close them, so the
        // gateway sees a replica that went away, as it would a crashed pod's reset connections.
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        engineExecutor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private Channel bind(int port, SimContext sim, boolean api, boolean metricsHere) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(TRANSPORT.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        // Accepted just before close() closed the listener but set up after it closed
                        // the connections: close it too, or it would stay open with nobody to answer.
                        if (closed.get()) {
                            ch.close();
                            return;
                        }
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpServerCodec());
                        if (api && connectionObserver != null) {
                            p.addLast(connectionObserver.get());
                        }
                        p.addLast(new HttpServerKeepAliveHandler());
                        p.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        p.addLast(new SimHandler(sim, api, metricsHere));
                    }
                });
        ChannelFuture bound = bootstrap.bind(options.host(), port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot bind " + options.host() + ":" + port, bound.cause());
        }
        return bound.channel();
    }
}
