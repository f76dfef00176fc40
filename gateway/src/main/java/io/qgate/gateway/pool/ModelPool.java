package io.qgate.gateway.pool;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.qgate.discovery.EndpointSource;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PoolConfig;
import io.qgate.gateway.metrics.AdmissionMeters;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.EndpointGauges;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.proxy.Admission;
import io.qgate.gateway.proxy.Batchers;
import io.qgate.gateway.proxy.PriorityBand;
import io.qgate.gateway.scrape.MetricsScraper;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import io.qgate.routing.Strategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The replicas of one model pool and everything that decides for them: their source, a router
 * with the pool's strategy, the scraper of their engines, the admission queue in front of them,
 * the batchers and the pool's meters. Pools share the event loops and the connections to
 * replicas, nothing else: a flood on one model queues in its own pool.
 */
public final class ModelPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelPool.class);

    private final PoolConfig config;
    private final EndpointSource source;
    private final Router router;
    private final Admission admission;
    private final AdmissionMeters admissionMeters;
    private final EngineRoom engineRoom;
    private final Batchers batchers;
    private final MetricsScraper scraper;
    private final EndpointGauges endpointGauges;
    private final GatewayMetrics.PoolMeters meters;

    ModelPool(PoolConfig config, EndpointSource source, LongSupplier clock, EventLoopGroup group, Transport transport,
              GatewayMetrics metrics, BatchMeters batchMeters) {
        this(config, source, router(config, clock), group, transport, metrics, batchMeters);
    }

    /** @param group the event loops that scrape the replicas, or null for none (a router fed by hand) */
    ModelPool(PoolConfig config, EndpointSource source, Router router, EventLoopGroup group, Transport transport,
              GatewayMetrics metrics, BatchMeters batchMeters) {
        this.config = config;
        this.source = source;
        this.router = router;
        GatewayConfig.AdmissionLimits limits = config.admission();
        GatewayConfig.Saturation saturation = limits.saturation();
        this.engineRoom = new EngineRoom(router, saturation.maxNumSeqs(), saturation.engineQueue());
        Integer sheddableBelow = limits.ordering().sheddableBelow();
        this.admission = new Admission(limits.maxInflight(), limits.maxPerReplica(), limits.queueSize(),
                config.scaleFromZero().enabled() ? config.scaleFromZero().releasePerReplica() : 0,
                sheddableBelow == null ? Admission.NONE_SHEDDABLE : sheddableBelow, this::acceptingReplicas,
                saturation.enabled() ? engineRoom : () -> Integer.MAX_VALUE);
        this.batchers = new Batchers(batchMeters);
        this.scraper = group == null ? null : new MetricsScraper(group, transport, config.scrape(), router);
        MeterRegistry registry = metrics.registry();
        this.admissionMeters = new AdmissionMeters(registry, config.name());
        this.meters = metrics.pool(config.name(), this::acceptingReplicas);
        this.endpointGauges = new EndpointGauges(registry, router, config.name());
        for (PriorityBand band : PriorityBand.values()) {
            Gauge.builder("qgate.queue.length", admission, a -> a.queued(band))
                    .description("Requests waiting in this gateway for a free slot (admission control)")
                    .tag("pool", config.name()).tag("priority", band.label())
                    .strongReference(true)
                    .register(registry);
        }
        // The wake-up signal of a pool scaled to zero: demand exists before any replica does.
        Gauge.builder("qgate.pool.demand", meters, GatewayMetrics.PoolMeters::inflight)
                .description("Requests of the pool in flight or waiting at this gateway")
                .tag("pool", config.name())
                .strongReference(true)
                .register(registry);
        Gauge.builder("qgate.pool.waiting.for.replica", admission, Admission::waitingForReplica)
                .description("Requests held at this gateway because the pool had no ready replica")
                .tag("pool", config.name())
                .strongReference(true)
                .register(registry);
        Gauge.builder("qgate.discovery.synced", () -> source.synced() && source.watching() ? 1 : 0)
                .description("1 while discovery follows the replicas, 0 before its first sync and during API outages")
                .tag("pool", config.name())
                .strongReference(true).register(registry);
        Gauge.builder("qgate.discovery.last.event.age.seconds", () -> source.lastEventAgeNanos() / 1e9)
                .description("seconds since discovery last heard of a change")
                .tag("pool", config.name())
                .strongReference(true).register(registry);
    }

    private static Router router(PoolConfig config, LongSupplier clock) {
        return new Router(Strategies.named(config.routing().strategy(), config.routing().settings(),
                Strategies.THREAD_LOCAL_RANDOM), config.routing().settings(), clock);
    }

    /**
     * Follows the pool's replicas; {@code changed} hears of every new set after the pool took it.
     * With saturation-aware admission, the engines' room is looked at again after every scrape
     * interval: engines drain on other gateways' requests too, and nothing else would tell.
     */
    void start(Consumer<ModelPool> changed, EventLoopGroup group) {
        source.start(snapshot -> onSnapshot(snapshot, changed));
        if (group != null && config.admission().saturation().enabled()) {
            long interval = config.scrape().interval().toNanos();
            group.next().scheduleWithFixedDelay(admission::limitChanged, interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void onSnapshot(EndpointSnapshot snapshot, Consumer<ModelPool> changed) {
        if (snapshot.equals(router.snapshot())) {
            return;
        }
        router.update(snapshot);
        admission.limitChanged();
        if (config.scrape().enabled() && scraper != null) {
            scraper.update(snapshot);
        }
        engineRoom.retain(snapshot.endpoints());
        endpointGauges.update(snapshot.endpoints());
        log.info("pool {}: replicas now {} ({} accepting requests)", config.name(), snapshot,
                snapshot.accepting().size());
        changed.accept(this);
    }

    private int acceptingReplicas() {
        return router.snapshot().accepting().size();
    }

    public String name() {
        return config.name();
    }

    public PoolConfig config() {
        return config;
    }

    public EndpointSource source() {
        return source;
    }

    public Router router() {
        return router;
    }

    public Admission admission() {
        return admission;
    }

    public Batchers batchers() {
        return batchers;
    }

    public GatewayMetrics.PoolMeters meters() {
        return meters;
    }

    public AdmissionMeters admissionMeters() {
        return admissionMeters;
    }

    /**
     * Discovery has synced and at least one replica takes requests, or none does but the pool
     * holds requests while it wakes.
     */
    public boolean serving() {
        return source.synced() && (acceptingReplicas() > 0 || config.scaleFromZero().enabled());
    }

    @Override
    public void close() {
        source.close();
        if (scraper != null) {
            scraper.close();
        }
    }
}
