package io.qgate.gateway;

import io.micrometer.core.instrument.Gauge;
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
import io.qgate.routing.config.Units;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.EndpointGauges;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.peers.PeerTransport;
import io.qgate.gateway.peers.Peers;
import io.qgate.gateway.scrape.MetricsScraper;
import io.qgate.gateway.tls.ReloadingSslContext;
import io.qgate.gateway.proxy.FrontendInitializer;
import io.qgate.gateway.proxy.Admission;
import io.qgate.gateway.proxy.Batchers;
import io.qgate.gateway.proxy.ProxyContext;
import io.qgate.gateway.proxy.RequestBodyInspector;
import io.qgate.gateway.proxy.UpstreamPools;
import io.qgate.routing.Strategies;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.peers.ReplicaLoads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A running gateway: the API listener, the admin listener, the router fed by an endpoint source,
 * and the upstream pools, on one event-loop group. {@link #start} returns once both ports are
 * bound; {@link #shutdownGracefully()} drains, {@link #close()} stops at once.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** Per-connection write buffer bounds: above the high mark the client counts as slow. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final GatewayConfig config;
    private final EndpointSource source;
    private final Router router;
    private final PrometheusMeterRegistry registry;
    private final GatewayMetrics metrics;
    private final EventLoopGroup group;
    private final UpstreamPools pools;
    private final Admission admission;
    private final MetricsScraper scraper;
    private final EndpointGauges endpointGauges;
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
    private Gateway(GatewayConfig config, EndpointSource source, Transport transport, LongSupplier clock) {
        // First: files that do not load stop the start before anything is bound or started.
        this.tls = config.tls().enabled()
                ? ReloadingSslContext.load(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()))
                : null;
        this.config = config;
        this.source = source;
        RoutingSettings settings = config.routing().settings();
        this.router = new Router(Strategies.named(config.routing().strategy(), settings,
                Strategies.THREAD_LOCAL_RANDOM), settings, clock);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new GatewayMetrics(registry, config.metrics().maxModels(), config.metrics().models(),
                () -> router.snapshot().accepting().size(), router::nowNanos);
        int configuredThreads = config.server().ioThreads();
        this.ioThreads = configuredThreads > 0 ? configuredThreads : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(ioThreads, "qgate-io");
        this.pools = new UpstreamPools(transport, config, replicaConnections, router::nowNanos);
        GatewayConfig.AdmissionLimits limits = config.admission();
        this.admission = new Admission(limits.maxInflight(), limits.maxPerReplica(), limits.queueSize(),
                () -> router.snapshot().accepting().size());
        Gauge.builder("qgate.queue.length", admission, Admission::queued)
                .description("Requests waiting in this gateway for a free slot (admission control)")
                .strongReference(true)
                .register(registry);
        this.scraper = new MetricsScraper(group, transport, config, router);
        this.endpointGauges = new EndpointGauges(registry, router);
        Gauge.builder("qgate.discovery.synced", () -> source.synced() && source.watching() ? 1 : 0)
                .description("1 while discovery follows the replicas, 0 before its first sync and during API outages")
                .strongReference(true).register(registry);
        Gauge.builder("qgate.discovery.last.event.age.seconds", () -> source.lastEventAgeNanos() / 1e9)
                .description("seconds since discovery last heard of a change")
                .strongReference(true).register(registry);
    }

    /** Prompts are hashed only when the configured strategy uses the hashes. */
    private static RequestBodyInspector.PrefixLimits prefixLimits(GatewayConfig config, Router router) {
        return router.strategy().usesPrefixes()
                ? new RequestBodyInspector.PrefixLimits(config.routing().prefixBlockChars(),
                        config.routing().prefixMaxBlocks())
                : RequestBodyInspector.PrefixLimits.NONE;
    }

    /**
     * Starts a gateway in front of the replicas of {@code config}: the Kubernetes Service or the
     * replicas file when one is named, else the static endpoint list.
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, source(config));
    }

    static EndpointSource source(GatewayConfig config) {
        GatewayConfig.Discovery discovery = config.discovery();
        if (discovery.kubernetes().enabled()) {
            return KubernetesEndpointSource.create(discovery.kubernetes().settings());
        }
        if (!discovery.file().isEmpty()) {
            return FileEndpointSource.create(Path.of(discovery.file()));
        }
        return StaticEndpointSource.parse(discovery.endpoints());
    }

    public static Gateway start(GatewayConfig config, EndpointSource source) {
        return start(config, source, System::nanoTime);
    }

    /** As {@link #start(GatewayConfig, EndpointSource)}, on {@code clock} (tests move it). */
    static Gateway start(GatewayConfig config, EndpointSource source, LongSupplier clock) {
        Transport transport = Transport.best();
        Gateway gateway = new Gateway(config, source, transport, clock);
        try {
            gateway.bind(transport);
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
        // Scripts and tests read the ports from "listening on HOST:PORT (admin :PORT)": keep that part.
        log.info("qgate listening on {}:{} (admin :{}), {}, {} transport, {} event loops, strategy {}, replicas: {}",
                config.server().host(), gateway.port(), gateway.adminPort(), gateway.tls != null ? "HTTPS" : "HTTP",
                transport.name(), gateway.ioThreads, gateway.router.strategy(), source.describe());
        return gateway;
    }

    private void bind(Transport transport) {
        source.start(this::onSnapshot);
        BatchMeters batchMeters = new BatchMeters(registry);
        ProxyContext context = new ProxyContext(config, router, admission, pools,
                new Batchers(batchMeters), metrics, () -> draining,
                prefixLimits(config, router));
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
        AdminHandler admin = new AdminHandler(registry, this::ready, router, metrics, admission::queued,
                new StatusJson(router, metrics, admission, batchMeters, config, this::ready, () -> draining));
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
        peers = Peers.start(config, adminPort(), ReplicaLoads.of(() -> List.of(router)), router::nowNanos);
        if (peers != null) {
            peers.register(registry);
            log.info("sharing dispatch counts with {}", peers.describe());
        }
    }

    private synchronized void onSnapshot(EndpointSnapshot snapshot) {
        EndpointSnapshot previous = router.snapshot();
        if (snapshot.equals(previous)) {
            return;
        }
        router.update(snapshot);
        admission.limitChanged();
        pools.retain(snapshot);
        if (config.scrape().enabled()) {
            scraper.update(snapshot);
        }
        endpointGauges.update(snapshot.endpoints());
        log.info("replicas now {} ({} accepting requests)", snapshot, snapshot.accepting().size());
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

    public Router router() {
        return router;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Whether the gateway should get traffic: discovery synced, a replica known, not draining. */
    public boolean ready() {
        return !draining && source.synced() && !router.snapshot().accepting().isEmpty();
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
        source.close();
        scraper.close();
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
        pools.closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        registry.close();
        closed.countDown();
        log.info("qgate stopped");
    }
}
