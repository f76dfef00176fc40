package io.qgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qgate.discovery.EndpointSource;
import io.qgate.discovery.StaticEndpointSource;
import io.qgate.discovery.file.FileEndpointSource;
import io.qgate.discovery.kubernetes.KubernetesEndpointSource;
import io.qgate.gateway.admin.AdminHandler;
import io.qgate.gateway.admin.AdminInitializer;
import io.qgate.gateway.admin.StatusJson;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PoolConfig;
import io.qgate.gateway.pool.ModelPool;
import io.qgate.gateway.pool.ModelPools;
import io.qgate.routing.config.Units;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.metrics.JvmMeters;
import io.qgate.gateway.peers.PeerTransport;
import io.qgate.gateway.peers.Peers;
import io.qgate.gateway.tls.ReloadingSslContext;
import io.qgate.gateway.proxy.FrontendInitializer;
import io.qgate.gateway.proxy.ProxyContext;
import io.qgate.gateway.proxy.RequestBodyInspector;
import io.qgate.gateway.proxy.UpstreamPools;
import io.qgate.routing.Router;
import io.qgate.routing.peers.ReplicaLoads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A running gateway: the API listener, the admin listener, the model pools (each a router fed by
 * its source of replicas) and the connections to the replicas, on one event-loop group. {@link #start} returns once both ports are
 * bound; {@link #shutdownGracefully()} drains, {@link #close()} stops at once.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** Per-connection write buffer bounds: above the high mark the client counts as slow. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final GatewayConfig config;
    private final LongSupplier clock;
    private final PrometheusMeterRegistry registry;
    private final GatewayMetrics metrics;
    private final BatchMeters batchMeters;
    private final JvmMeters jvmMeters;
    private final EventLoopGroup group;
    private final UpstreamPools connections;
    private final ModelPools pools;
    /** TLS of the client listener, or null for plain HTTP. */
    private final ReloadingSslContext tls;
    private final int ioThreads;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Open connections, closed explicitly at shutdown: stopping the event loops alone may not. */
    private final ChannelGroup clientConnections = new DefaultChannelGroup("qgate-clients",
            GlobalEventExecutor.INSTANCE);
    private final ChannelGroup replicaConnections = new DefaultChannelGroup("qgate-replicas",
            GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private Channel apiChannel;
    private Channel adminChannel;
    /** The exchange with peer gateways; null when no peers are configured. */
    private PeerTransport peers;

    /**
     * @param clock the gateway's one clock (nanoseconds, as {@link System#nanoTime}): routing,
     *              timeouts, batch windows and the request window all read it
     */
    private Gateway(GatewayConfig config, Function<PoolConfig, EndpointSource> sources, Transport transport,
                    LongSupplier clock) {
        // First: files that do not load stop the start before anything is bound or started.
        this.tls = config.tls().enabled()
                ? ReloadingSslContext.load(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()))
                : null;
        this.config = config;
        this.clock = clock;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.jvmMeters = JvmMeters.bindTo(registry);
        this.metrics = new GatewayMetrics(registry, config.metrics().maxModels(), knownModels(config), clock);
        this.batchMeters = new BatchMeters(registry);
        int configuredThreads = config.server().ioThreads();
        this.ioThreads = configuredThreads > 0 ? configuredThreads : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(ioThreads, "qgate-io");
        this.connections = new UpstreamPools(transport, config, replicaConnections, clock);
        this.pools = new ModelPools(config, sources, clock, group, transport, metrics, batchMeters);
    }

    /** Model names that are labels from the start: those of {@code metrics.models} and the pools'. */
    private static List<String> knownModels(GatewayConfig config) {
        List<String> known = new ArrayList<>(config.metrics().models());
        config.pools().list().forEach(pool -> known.addAll(pool.models()));
        return known;
    }

    /**
     * Prompts are hashed only when some pool's strategy uses the hashes, as the first such pool
     * says: the body is read before its pool is known.
     */
    private static RequestBodyInspector.PrefixLimits prefixLimits(ModelPools pools) {
        for (ModelPool pool : pools.all()) {
            if (pool.router().strategy().usesPrefixes()) {
                GatewayConfig.Routing routing = pool.config().routing();
                return new RequestBodyInspector.PrefixLimits(routing.prefixBlockChars(), routing.prefixMaxBlocks());
            }
        }
        return RequestBodyInspector.PrefixLimits.NONE;
    }

    /**
     * Starts a gateway in front of the replicas of {@code config}: each pool's Kubernetes Service,
     * replicas file or static list.
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, Gateway::source);
    }

    static EndpointSource source(PoolConfig pool) {
        GatewayConfig.Discovery discovery = pool.discovery();
        if (discovery.kubernetes().enabled()) {
            return KubernetesEndpointSource.create(discovery.kubernetes().settings());
        }
        if (!discovery.file().isEmpty()) {
            return FileEndpointSource.create(Path.of(discovery.file()));
        }
        return StaticEndpointSource.parse(discovery.endpoints());
    }

    /** A gateway of one pool, in front of the replicas {@code source} gives (tests, the bench). */
    public static Gateway start(GatewayConfig config, EndpointSource source) {
        return start(config, source, System::nanoTime);
    }

    /** As {@link #start(GatewayConfig, EndpointSource)}, on {@code clock} (tests move it). */
    static Gateway start(GatewayConfig config, EndpointSource source, LongSupplier clock) {
        if (config.pools().list().size() != 1) {
            throw new IllegalArgumentException("one source of replicas for " + config.pools().list().size()
                    + " pools");
        }
        return start(config, pool -> source, clock);
    }

    /** A gateway whose pools take their replicas from {@code sources} (tests: a mock API server's client). */
    public static Gateway start(GatewayConfig config, Function<PoolConfig, EndpointSource> sources) {
        return start(config, sources, System::nanoTime);
    }

    /** A gateway whose pools take their replicas from {@code sources}, on {@code clock}. */
    static Gateway start(GatewayConfig config, Function<PoolConfig, EndpointSource> sources, LongSupplier clock) {
        Transport transport = Transport.best();
        Gateway gateway = new Gateway(config, sources, transport, clock);
        try {
            gateway.bind(transport);
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
        // Scripts and tests read the ports from "listening on HOST:PORT (admin :PORT)": keep that part.
        log.info("qgate listening on {}:{} (admin :{}), {}, {} transport, {} event loops, {}",
                config.server().host(), gateway.port(), gateway.adminPort(), gateway.tls != null ? "HTTPS" : "HTTP",
                transport.name(), gateway.ioThreads, gateway.describePools());
        return gateway;
    }

    private String describePools() {
        StringBuilder text = new StringBuilder();
        for (ModelPool pool : pools.all()) {
            text.append(text.length() == 0 ? "" : "; ").append("pool ").append(pool.name())
                .append(pool.config().models().isEmpty() ? "" : " " + pool.config().models())
                .append(": strategy ").append(pool.router().strategy())
                .append(", replicas: ").append(pool.source().describe());
        }
        return text.toString();
    }

    private void bind(Transport transport) {
        pools.start(changed -> connections.retain(pools.allEndpoints()));
        ProxyContext context = new ProxyContext(config, pools, connections, metrics, () -> draining,
                prefixLimits(pools), clock);
        apiChannel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new FrontendInitializer(context, clientConnections, tls))
                .bind(new InetSocketAddress(config.server().host(), config.server().port()))
                .syncUninterruptibly().channel();
        if (tls != null) {
            tls.watch(group.next(), config.tls().reloadInterval());
        }
        AdminHandler admin = new AdminHandler(registry, this::ready, pools,
                new StatusJson(pools, metrics, batchMeters, config, this::ready, () -> draining),
                config.server().adminDebug());
        adminChannel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new AdminInitializer(admin))
                .bind(new InetSocketAddress(config.server().host(), config.server().adminPort()))
                .syncUninterruptibly().channel();
        startPeers();
    }

    /** Peers: what the other gateways dispatched, keyed by replica address across every router. */
    private void startPeers() {
        peers = Peers.start(config, adminPort(), ReplicaLoads.of(() -> pools.all().stream()
                .map(ModelPool::router).toList()), clock);
        if (peers != null) {
            peers.register(registry);
            for (ModelPool pool : pools.all()) {
                PeerTransport.registerPool(registry, pool.name(), pool.router());
            }
            log.info("sharing dispatch counts with {}", peers.describe());
        }
    }

    public int port() {
        return ((InetSocketAddress) apiChannel.localAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    /** The TLS of the client listener, or null when it speaks plain HTTP. */
    ReloadingSslContext tls() {
        return tls;
    }

    /** The router of the first pool: the only one unless pools are configured. */
    public Router router() {
        return pools.all().get(0).router();
    }

    public ModelPools pools() {
        return pools;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Whether the gateway should get traffic: not draining, every pool's discovery synced, and a
     * replica of some pool taking requests (a pool without one answers its own requests 503).
     */
    public boolean ready() {
        return !draining && pools.synced() && pools.all().stream().anyMatch(ModelPool::serving);
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Drains and stops: readiness turns false at once, requests keep being served for
     * {@code shutdown.delay} (so load balancers stop sending), then the listener closes and open
     * requests and streams get up to {@code shutdown.timeout} to finish.
     */
    public void shutdownGracefully() {
        if (draining) {
            return;
        }
        draining = true;
        pools.all().forEach(pool -> pool.admission().refuseHeld());
        log.info("draining: /readyz is false; serving {} more, then waiting up to {} for {} open request(s)",
                Units.format(config.shutdown().delay()), Units.format(config.shutdown().timeout()), metrics.inflight());
        sleep(config.shutdown().delay().toMillis());
        apiChannel.close().syncUninterruptibly();
        // Real time, not the gateway's clock: this thread sleeps while real requests finish.
        long deadline = System.nanoTime() + config.shutdown().timeout().toNanos();
        while (metrics.inflight() > 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        if (metrics.inflight() > 0) {
            log.warn("shutdown timeout reached with {} request(s) still open; closing them", metrics.inflight());
        } else {
            log.info("all requests finished");
        }
        close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the gateway has been closed. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        draining = true;
        pools.close();
        if (tls != null) {
            tls.close();
        }
        if (apiChannel != null) {
            apiChannel.close();
        }
        if (adminChannel != null) {
            adminChannel.close();
        }
        if (peers != null) {
            peers.close();
        }
        // Clients first: each open request sees its client gone, releases what it holds and gives
        // its replica connection up; what is left of those connections is closed next.
        clientConnections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        replicaConnections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connections.closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        jvmMeters.close();
        registry.close();
        closed.countDown();
        log.info("qgate stopped");
    }
}
