package io.qgate.gateway.scrape;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import io.qgate.routing.metrics.EngineMetricsParser;
import io.qgate.routing.metrics.EngineProfile;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Keeps one {@link ScrapeTarget} per known replica, following discovery: targets start when a
 * replica appears and stop when it goes. Targets are spread over the event loops.
 */
public final class MetricsScraper implements AutoCloseable {

    /** Engine metrics pages are a few hundred KiB at most; more means something is wrong. */
    private static final int MAX_METRICS_SIZE = 8 << 20;

    private final EventLoopGroup group;
    private final Transport transport;
    private final GatewayConfig.Scrape config;
    private final Router router;
    private final EngineProfile profile;
    private final Map<String, ScrapeTarget> targets = new HashMap<>();

    public MetricsScraper(EventLoopGroup group, Transport transport, GatewayConfig.Scrape config, Router router) {
        this.group = group;
        this.transport = transport;
        this.config = config;
        this.router = router;
        this.profile = EngineProfile.of(config.engine());
    }

    /** Starts scraping replicas new in {@code snapshot} and stops those no longer in it. */
    public synchronized void update(EndpointSnapshot snapshot) {
        Map<String, Endpoint> wanted = new HashMap<>();
        for (Endpoint endpoint : snapshot.endpoints()) {
            // Keyed with the metrics port too: a replica whose metrics port changed is scraped anew.
            wanted.put(endpoint.authority() + "/" + endpoint.metricsPort(), endpoint);
        }
        for (Iterator<Map.Entry<String, ScrapeTarget>> it = targets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ScrapeTarget> target = it.next();
            if (!wanted.containsKey(target.getKey())) {
                target.getValue().stop();
                it.remove();
            }
        }
        for (Map.Entry<String, Endpoint> entry : wanted.entrySet()) {
            if (!targets.containsKey(entry.getKey())) {
                ScrapeTarget target = newTarget(entry.getValue());
                targets.put(entry.getKey(), target);
                target.start();
            }
        }
    }

    private ScrapeTarget newTarget(Endpoint endpoint) {
        EventLoop loop = group.next();
        // A metrics port discovery found for this replica wins; then the configured one; then the API port.
        int port = endpoint.metricsPort() > 0 ? endpoint.metricsPort()
                : config.port() > 0 ? config.port() : endpoint.port();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, config.timeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_METRICS_SIZE));
                    }
                });
        return new ScrapeTarget(endpoint, port, config.path(), loop, bootstrap, router.load(endpoint),
                new EngineMetricsParser(profile), config.interval().toNanos(),
                config.timeout().toNanos(), router::nowNanos);
    }

    @Override
    public synchronized void close() {
        targets.values().forEach(ScrapeTarget::stop);
        targets.clear();
    }
}
