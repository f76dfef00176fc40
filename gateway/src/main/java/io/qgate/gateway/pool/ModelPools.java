package io.qgate.gateway.pool;

import io.netty.channel.EventLoopGroup;
import io.qgate.discovery.EndpointSource;
import io.qgate.discovery.StaticEndpointSource;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PoolConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The gateway's model pools and which of them serves a model: the names each pool is configured
 * with, then the names its replicas list at {@code GET /v1/models} (a LoRA adapter is listed by
 * the replicas that serve it, so it goes with its base model), then the default pool for names nobody serves. A name configured for one pool
 * and listed by another stays with the configured one; a name listed by two pools goes to the
 * first in the configuration. Both are logged once.
 */
public final class ModelPools implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelPools.class);
    /** The 404 for an unknown model names at most this many of the available ones. */
    static final int NAMED_IN_ERROR = 20;

    private final List<ModelPool> pools;
    private final ModelPool fallback;
    /** The event loops that re-check the pools' admission; null for pools fed by hand. */
    private final EventLoopGroup group;
    private final ModelCatalog catalog;
    private final long startedSeconds = System.currentTimeMillis() / 1000;
    private final Set<String> conflictsLogged = ConcurrentHashMap.newKeySet();
    private volatile Directory directory;

    /** Who serves what, rebuilt whenever a replica's list or a pool's replicas change. */
    private record Directory(Map<String, ModelPool> poolOf, List<ModelEntry> listing) {}

    /** @param sources the source of each pool's replicas */
    public ModelPools(GatewayConfig config, Function<PoolConfig, EndpointSource> sources, LongSupplier clock,
                      EventLoopGroup group, Transport transport, GatewayMetrics metrics, BatchMeters batchMeters) {
        this(config, build(config, pool -> new ModelPool(pool, sources.apply(pool), clock, group, transport, metrics,
                batchMeters)), group);
    }

    private ModelPools(GatewayConfig config, List<ModelPool> pools, EventLoopGroup group) {
        this.pools = pools;
        this.group = group;
        PoolConfig fallbackConfig = config.pools().fallback();
        this.fallback = fallbackConfig == null ? null : byName(fallbackConfig.name());
        this.catalog = new ModelCatalog(config.pools().modelsRefresh(), config.pools().modelsApiKey(),
                this::allReplicas, this::rebuild);
        rebuild();
    }

    /**
     * The one pool of {@code config} around a router the caller feeds by hand: no discovery, no
     * scraping, no model lists read. For tests of what sits around the routing.
     */
    public static ModelPools ofRouter(GatewayConfig config, Router router, GatewayMetrics metrics,
                                      BatchMeters batchMeters) {
        return new ModelPools(config, build(config, pool -> new ModelPool(pool, StaticEndpointSource.parse(""),
                router, null, null, metrics, batchMeters)), null);
    }

    private static List<ModelPool> build(GatewayConfig config, Function<PoolConfig, ModelPool> pool) {
        List<ModelPool> built = new ArrayList<>();
        try {
            for (PoolConfig each : config.pools().list()) {
                built.add(pool.apply(each));
            }
        } catch (RuntimeException e) {
            built.forEach(ModelPool::close);
            throw e;
        }
        return List.copyOf(built);
    }

    /** Starts following every pool's replicas; {@code changed} hears of each pool's new set. */
    public void start(Consumer<ModelPool> changed) {
        for (ModelPool pool : pools) {
            pool.start(updated -> {
                rebuild();
                catalog.replicasChanged();
                changed.accept(updated);
            }, group);
        }
        // One pool takes every model and its replicas answer /v1/models: nothing to learn.
        if (pools.size() > 1) {
            catalog.start();
        }
    }

    public List<ModelPool> all() {
        return pools;
    }

    /** The pool named so, or null. */
    public ModelPool byName(String name) {
        for (ModelPool pool : pools) {
            if (pool.name().equals(name)) {
                return pool;
            }
        }
        return null;
    }

    /**
     * The pool that serves {@code model}, or null when none does. A request that names no model
     * (a route without one) goes to the default pool, else the first.
     */
    public ModelPool forModel(String model) {
        if (model == null) {
            return fallback != null ? fallback : pools.get(0);
        }
        ModelPool pool = directory.poolOf().get(model);
        return pool != null ? pool : fallback;
    }

    /** Every model of every pool, deduplicated, as an OpenAI model list. */
    public String modelList() {
        return ModelEntry.renderList(directory.listing());
    }

    /** One model as {@code GET /v1/models/{id}} answers it, or null when no pool serves it. */
    public String model(String id) {
        for (ModelEntry entry : directory.listing()) {
            if (entry.id().equals(id)) {
                return entry.render();
            }
        }
        return null;
    }

    /** For a 404: the names clients can use, at most {@link #NAMED_IN_ERROR} of them. */
    public String availableModels() {
        List<ModelEntry> listing = directory.listing();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < Math.min(listing.size(), NAMED_IN_ERROR); i++) {
            names.append(i == 0 ? "" : ", ").append(listing.get(i).id());
        }
        if (listing.size() > NAMED_IN_ERROR) {
            names.append(" and ").append(listing.size() - NAMED_IN_ERROR).append(" more (GET /v1/models)");
        }
        return listing.isEmpty() ? "none yet" : names.toString();
    }

    /** Every pool's replicas, for the connections the gateway keeps. */
    public EndpointSnapshot allEndpoints() {
        return EndpointSnapshot.of(allReplicas());
    }

    private Collection<Endpoint> allReplicas() {
        List<Endpoint> all = new ArrayList<>();
        pools.forEach(pool -> all.addAll(pool.router().snapshot().endpoints()));
        return all;
    }

    private synchronized void rebuild() {
        Map<String, ModelPool> poolOf = new LinkedHashMap<>();
        Map<String, ModelEntry> listing = new LinkedHashMap<>();
        for (ModelPool pool : pools) {
            for (String model : pool.config().models()) {
                poolOf.put(model, pool);
                listing.put(model, ModelEntry.configured(model, startedSeconds));
            }
        }
        for (ModelPool pool : pools) {
            for (Endpoint replica : pool.router().snapshot().endpoints()) {
                for (ModelEntry entry : catalog.listed(replica)) {
                    learn(pool, entry, poolOf, listing);
                }
            }
        }
        directory = new Directory(Map.copyOf(poolOf), List.copyOf(listing.values()));
    }

    private void learn(ModelPool pool, ModelEntry entry, Map<String, ModelPool> poolOf,
                       Map<String, ModelEntry> listing) {
        String id = entry.id();
        ModelPool owner = poolOf.get(id);
        if (owner == null) {
            poolOf.put(id, pool);
        } else if (owner != pool && conflictsLogged.add(id + "\n" + pool.name())) {
            log.warn("model {} is listed by a replica of pool {} but served by pool {}, which {}; "
                            + "requests for it go to {}", id, pool.name(), owner.name(),
                    owner.config().models().contains(id) ? "is configured with it" : "listed it first",
                    owner.name());
        }
        // The replica's own entry is richer than a configured one (owner, parent, max_model_len).
        ModelEntry known = listing.get(id);
        if (known == null || known.json().path("owned_by").asString("").equals("qgate")) {
            listing.put(id, entry);
        }
    }

    /** Whether every pool's discovery has synced. */
    public boolean synced() {
        return pools.stream().allMatch(pool -> pool.source().synced());
    }

    @Override
    public void close() {
        catalog.close();
        pools.forEach(ModelPool::close);
    }
}
