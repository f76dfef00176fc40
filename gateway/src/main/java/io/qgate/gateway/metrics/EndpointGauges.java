package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.PoolQueue;
import io.qgate.routing.Router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-replica and pool gauges, following discovery: a replica's gauges are registered when it
 * appears and removed when it goes, so the {@code endpoint} label only ever names known
 * replicas. Values are read from the router when Prometheus scrapes.
 */
public final class EndpointGauges {

    private final MeterRegistry registry;
    private final Router router;
    private final String pool;
    private final Map<String, List<Meter>> byEndpoint = new HashMap<>();

    /** @param pool the model pool of the router's replicas, their {@code pool} label */
    public EndpointGauges(MeterRegistry registry, Router router, String pool) {
        this.registry = registry;
        this.router = router;
        this.pool = pool;
        Gauge.builder("qgate.pool.queue.length", router, PoolQueue::length)
                .description("Sum over ready endpoints of the scraped vLLM waiting queue (fresh scrapes only)")
                .tag("pool", pool)
                .strongReference(true)
                .register(registry);
    }

    /** Registers gauges for new endpoints and removes those of endpoints that are gone. */
    public synchronized void update(List<Endpoint> endpoints) {
        Set<String> current = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            current.add(endpoint.authority());
            byEndpoint.computeIfAbsent(endpoint.authority(), a -> register(endpoint));
        }
        byEndpoint.entrySet().removeIf(entry -> {
            if (current.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(registry::remove);
            return true;
        });
    }

    private List<Meter> register(Endpoint endpoint) {
        String address = endpoint.authority();
        EndpointLoad state = router.load(endpoint);
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("qgate.endpoint.queue.length", "The scraped vLLM waiting queue of one endpoint",
                address, state, load -> load.scrapedWaiting(router.nowNanos(), staleAfter())));
        meters.add(gauge("qgate.endpoint.running", "The scraped running requests of one endpoint",
                address, state, load -> load.scrapedRunning(router.nowNanos(), staleAfter())));
        meters.add(gauge("qgate.endpoint.kv.cache.usage", "The scraped KV-cache use of one endpoint (0-1)",
                address, state, load -> load.kvCacheUsage(router.nowNanos(), staleAfter())));
        meters.add(gauge("qgate.endpoint.estimated.load", "Estimated requests in the engine, as routing sees it",
                address, state, load -> load.estimatedLoad(router.nowNanos(), staleAfter(),
                        router.settings().queueCorrection())));
        meters.add(gauge("qgate.endpoint.inflight",
                "Requests this gateway has open on one endpoint (a batch counts once per input)",
                address, state, EndpointLoad::inflight));
        meters.add(gauge("qgate.endpoint.scrape.age.seconds", "Seconds since the last successful scrape",
                address, state, load -> {
                    long age = load.scrapeAgeNanos(router.nowNanos());
                    return age < 0 ? Double.NaN : age / 1e9;
                }));
        meters.add(Gauge.builder("qgate.endpoint.ejected", router, r -> r.ejected(endpoint) ? 1 : 0)
                .description("1 while the endpoint is ejected after repeated failures")
                .tag("pool", pool).tag("endpoint", address).strongReference(true).register(registry));
        return meters;
    }

    private long staleAfter() {
        return router.settings().staleAfter().toNanos();
    }

    /**
     * A gauge over the endpoint's load state, held directly (no lookup per Prometheus scrape):
     * the router keeps that state for as long as the endpoint is known, which is as long as the
     * gauge exists.
     */
    private Gauge gauge(String name, String description, String address, EndpointLoad load,
                        java.util.function.ToDoubleFunction<EndpointLoad> value) {
        return Gauge.builder(name, load, value)
                .description(description)
                .tag("pool", pool).tag("endpoint", address)
                .strongReference(true)
                .register(registry);
    }
}
