package io.qgate.gateway.config;

import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import io.qgate.routing.batch.BatchPolicy;
import io.qgate.routing.config.Units;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's settings, resolved and validated, in one group per section of the configuration
 * file. Built from string values by {@link ConfigLoader} (defaults, then YAML file, then
 * environment, then flags) or, in tests, by {@link #of(Map)} with just the keys that differ from
 * the defaults; {@link ConfigValues} turns the strings into the groups.
 */
public record GatewayConfig(Server server, Upstream upstream, Routing routing, Scrape scrape, Ejection ejection,
                            AdmissionLimits admission, Batching batching, Discovery discovery, Shutdown shutdown,
                            Metrics metrics, Tls tls, Pools pools,
                            PeersConfig peers) {

    public GatewayConfig {
        requireNonNull(server, "server");
        requireNonNull(upstream, "upstream");
        requireNonNull(routing, "routing");
        requireNonNull(scrape, "scrape");
        requireNonNull(ejection, "ejection");
        requireNonNull(admission, "admission");
        requireNonNull(batching, "batching");
        requireNonNull(discovery, "discovery");
        requireNonNull(shutdown, "shutdown");
        requireNonNull(metrics, "metrics");
        requireNonNull(tls, "tls");
        requireNonNull(pools, "pools");
        requireNonNull(peers, "peers");
    }

    /**
     * The client listener and the admin port.
     *
     * @param ioThreads          event-loop threads (0: one per core)
     * @param idleTimeout        a keep-alive client connection idle this long is closed
     * @param requestReadTimeout a client silent this long in the middle of a request gets 408
     * @param requestHeadTimeout a request head not complete this long after its first byte gets 408
     * @param slowHeadRefusalsPerSecond heads past that timeout answered 408 per second at most, the gateway over
     * @param adminDebug         who may read the admin port's {@code /debug/*} pages
     */
    public record Server(String host, int port, int adminPort, int ioThreads, int maxBodySize, int maxHeaderSize,
                         Duration idleTimeout, Duration requestReadTimeout, Duration requestHeadTimeout,
                         int slowHeadRefusalsPerSecond, DebugPages adminDebug) {
        public Server {
            ConfigValues.requirePositive(Option.CLIENT_IDLE_TIMEOUT, idleTimeout);
            ConfigValues.requirePositive(Option.REQUEST_READ_TIMEOUT, requestReadTimeout);
            ConfigValues.requirePositive(Option.REQUEST_HEAD_TIMEOUT, requestHeadTimeout);
            requireNonNull(adminDebug, "adminDebug");
        }
    }

    /**
     * The calls to the replicas and their connection pools.
     *
     * @param maxConnections  connections per replica per event loop
     * @param maxConnecting   connections being opened at once per replica per event loop
     * @param connectAttempts replicas tried when connecting fails before the request was sent
     * @param statusRetries   times a 429 or 503 answered before any byte is retried elsewhere
     */
    public record Upstream(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int maxConnections,
                           int maxConnecting, Duration poolIdleTimeout, int connectAttempts, int statusRetries) {
        public Upstream {
            ConfigValues.requirePositive(Option.CONNECT_TIMEOUT, connectTimeout);
            ConfigValues.requirePositive(Option.FIRST_BYTE_TIMEOUT, firstByteTimeout);
            ConfigValues.requirePositive(Option.UPSTREAM_IDLE_TIMEOUT, idleTimeout);
            ConfigValues.requirePositive(Option.POOL_IDLE_TIMEOUT, poolIdleTimeout);
        }
    }

    /**
     * How replicas are picked: the strategy's name, how prompts are hashed for prefix affinity,
     * and the router's settings as they are handed to it (they take the staleness limit from
     * {@link Scrape} and the ejection from {@link Ejection}).
     */
    public record Routing(String strategy, int prefixBlockChars, int prefixMaxBlocks, RoutingSettings settings) {
        public Routing {
            if (!Strategies.NAMES.contains(strategy)) {
                throw new IllegalArgumentException(Option.ROUTING_STRATEGY.key() + ": " + strategy
                        + " (expected: one of " + Strategies.NAMES + ")");
            }
            requireNonNull(settings, "settings");
        }
    }

    /** Reading each replica's engine metrics; {@code staleAfter}: older metrics are not trusted. */
    public record Scrape(boolean enabled, Duration interval, Duration timeout, int port, String path, String engine,
                         Duration staleAfter) {

        static final Set<String> ENGINES = Set.of("vllm", "sglang");

        public Scrape {
            if (!ENGINES.contains(engine)) {
                throw new IllegalArgumentException(Option.SCRAPE_ENGINE.key() + ": " + engine
                        + " (expected: one of " + ENGINES + ")");
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(Option.SCRAPE_PATH.key() + ": " + path
                        + " (expected: a path starting with /)");
            }
            ConfigValues.requirePositive(Option.SCRAPE_INTERVAL, interval);
            ConfigValues.requirePositive(Option.SCRAPE_TIMEOUT, timeout);
            ConfigValues.requirePositive(Option.SCRAPE_STALE_AFTER, staleAfter);
        }
    }

    /** Outlier ejection: failures in a row that eject a replica (0: never), and for how long. */
    public record Ejection(int consecutiveFailures, Duration baseTime, Duration maxTime) {
        public Ejection {
            ConfigValues.requirePositive(Option.EJECTION_BASE_TIME, baseTime);
            if (maxTime.compareTo(baseTime) < 0) {
                throw new IllegalArgumentException(Option.EJECTION_MAX_TIME.key() + ": " + Units.format(maxTime)
                        + " (expected: >= " + Option.EJECTION_BASE_TIME.key() + ")");
            }
        }
    }

    /**
     * The gateway's own limit on requests at the replicas and the queue in front of it.
     *
     * @param maxInflight   slots per gateway (0: none)
     * @param maxPerReplica slots per ready replica (0: none)
     */
    public record AdmissionLimits(int maxInflight, int maxPerReplica, int queueSize, Duration queueTimeout,
                                  Duration retryAfter, Saturation saturation, Ordering ordering) {
        public AdmissionLimits {
            ConfigValues.requirePositive(Option.ADMISSION_QUEUE_TIMEOUT, queueTimeout);
            requireNonNull(saturation, "saturation");
            requireNonNull(ordering, "ordering");
        }

        /** The Retry-After header value: whole seconds, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /**
     * Holding requests for a pool scaled to zero.
     *
     * @param releasePerReplica while held requests remain, requests in flight per ready replica:
     *                          a replica that just woke gets what it can start, not the backlog
     */
    public record ScaleFromZero(boolean enabled, Duration timeout, int releasePerReplica) {
        public ScaleFromZero {
            ConfigValues.requirePositive(Option.SCALE_FROM_ZERO_TIMEOUT, timeout);
        }
    }

    /**
     * When requests wait at the gateway because the engines are full.
     *
     * @param maxNumSeqs  each engine's batch limit, or 0 to learn it from the scrapes
     * @param engineQueue requests an engine may have waiting before it counts as saturated, or
     *                    {@link #AUTO}: 0 while this gateway and its peers account for the engines'
     *                    load, a few while scrapes show load they do not
     */
    public record Saturation(boolean enabled, int maxNumSeqs, int engineQueue) {
        /** {@code admission.engine-queue: auto}. */
        public static final int AUTO = -1;
    }

    /**
     * The order of waiting requests: by priority, then fairly by tenant.
     *
     * @param sheddableBelow  requests with a greater {@code priority} (less urgent) may be pushed
     *                        out of a full queue; null: none
     * @param tenantHeader    the header naming the tenant, or empty for the credential headers
     * @param priorityHeader  the header with the priority when the body has none, or empty
     */
    public record Ordering(Integer sheddableBelow, String tenantHeader, String priorityHeader) {
        public Ordering {
            requireNonNull(tenantHeader, "tenantHeader");
            requireNonNull(priorityHeader, "priorityHeader");
        }
    }

    /**
     * Micro-batching: which routes take part, and when a batch leaves.
     *
     * @param routes              empty when batching is off
     * @param maxCompletionTokens completions are batched only when their {@code max_tokens} is
     *                            set and at most this: a batch answers when its longest
     *                            completion ends, so long ones would wait for each other
     */
    public record Batching(Set<ApiRoute> routes, BatchPolicy policy, int maxCompletionTokens) {
        public Batching {
            routes = Set.copyOf(routes);
        }

        public boolean enabled(ApiRoute route) {
            return routes.contains(route);
        }
    }

    /**
     * The model pools, in the order configured (the top-level replicas last, as pool
     * {@code default}), which pool takes the models no pool serves, and how model names are learnt
     * from the replicas.
     *
     * @param defaultPool   a pool's name, or empty: unknown models get 404 (with one pool, it takes all)
     * @param modelsRefresh how often each replica's {@code GET /v1/models} is read; zero: never
     * @param modelsApiKey  the bearer token sent with it, or empty
     */
    public record Pools(List<PoolConfig> list, String defaultPool, Duration modelsRefresh, String modelsApiKey) {
        public Pools {
            list = List.copyOf(list);
            if (list.isEmpty()) {
                throw new IllegalArgumentException("pools: none (expected: at least one)");
            }
            Map<String, String> poolOfModel = new java.util.HashMap<>();
            Set<String> names = new java.util.HashSet<>();
            for (PoolConfig pool : list) {
                if (!names.add(pool.name())) {
                    throw new IllegalArgumentException("pools: two pools named " + pool.name()
                            + (pool.name().equals(PoolConfig.DEFAULT) ? " (the top-level replicas are pool "
                            + PoolConfig.DEFAULT + ")" : ""));
                }
                for (String model : pool.models()) {
                    String other = poolOfModel.putIfAbsent(model, pool.name());
                    if (other != null) {
                        throw new IllegalArgumentException("pools: model " + model + " is served by both "
                                + other + " and " + pool.name() + " (expected: each model in one pool)");
                    }
                }
            }
            if (!defaultPool.isEmpty() && !names.contains(defaultPool)) {
                throw new IllegalArgumentException(Option.DEFAULT_POOL.key() + ": " + defaultPool
                        + " (expected: one of the pools " + names + ")");
            }
            if (modelsRefresh.isNegative()) {
                throw new IllegalArgumentException(Option.MODELS_REFRESH.key() + ": negative");
            }
        }

        /** The pool that takes unknown models: the configured one, or the only pool; else null. */
        public PoolConfig fallback() {
            if (list.size() == 1) {
                return list.get(0);
            }
            return list.stream().filter(pool -> pool.name().equals(defaultPool)).findFirst().orElse(null);
        }
    }

    /**
     * Where the replicas come from: the static list, a file, or a Kubernetes Service; at most one
     * of them (none: no replicas).
     *
     * @param file the replicas file's path, or empty
     */
    public record Discovery(String endpoints, String file, Kubernetes kubernetes) {
        public Discovery {
            requireNonNull(endpoints, "endpoints");
            requireNonNull(file, "file");
            requireNonNull(kubernetes, "kubernetes");
            // Two sources would silently shadow one another: which one wins is not something to guess.
            List<String> given = new java.util.ArrayList<>();
            if (!endpoints.isEmpty()) {
                given.add(Option.ENDPOINTS.key());
            }
            if (!file.isEmpty()) {
                given.add(Option.DISCOVERY_FILE.key());
            }
            if (kubernetes.enabled()) {
                given.add(Option.KUBERNETES_SERVICE.key());
            }
            if (given.size() > 1) {
                throw new IllegalArgumentException("sources of replicas: " + String.join(" and ", given)
                        + " (expected: one of " + Option.ENDPOINTS.key() + ", " + Option.DISCOVERY_FILE.key()
                        + " or " + Option.KUBERNETES_SERVICE.key() + ")");
            }
        }

        /** Whether one of the sources is given. */
        public boolean hasSource() {
            return !endpoints.isEmpty() || !file.isEmpty() || kubernetes.enabled();
        }
    }

    /**
     * Kubernetes discovery; {@code service} empty means the static list is used.
     *
     * @param api         auto, endpointslices or endpoints (validated by discovery)
     * @param metricsPort a port name, a number, or empty
     */
    public record Kubernetes(String service, String namespace, String api, String portName, String metricsPort) {
        public Kubernetes {
            KubernetesSettings.Api.parse(Option.KUBERNETES_API.key(), api);
            if (!service.isEmpty()) {
                settings(service, namespace, api, portName, metricsPort);
            }
        }

        public boolean enabled() {
            return !service.isEmpty();
        }

        /** The discovery settings; only when {@link #enabled()}. */
        public KubernetesSettings settings() {
            return settings(service, namespace, api, portName, metricsPort);
        }

        private static KubernetesSettings settings(String service, String namespace, String api, String portName,
                String metricsPort) {
            try {
                return new KubernetesSettings(service, namespace,
                        KubernetesSettings.Api.parse(Option.KUBERNETES_API.key(), api), portName, metricsPort);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("discovery.kubernetes." + e.getMessage(), e);
            }
        }
    }

    /** After SIGTERM: how long to keep serving while unready, and the longest wait for open requests. */
    public record Shutdown(Duration delay, Duration timeout) {}

    /** The model label: names known from the start, and how many more are learnt from 2xx answers. */
    public record Metrics(List<String> models, int maxModels) {
        public Metrics {
            models = List.copyOf(models);
        }
    }

    /**
     * TLS on the client listener: PEM files, both empty for plain HTTP. The files themselves are
     * read when the gateway starts (a file that does not load stops the start) and every
     * {@code reloadInterval} after.
     */
    public record Tls(String certFile, String keyFile, Duration reloadInterval) {
        public Tls {
            if (certFile.isEmpty() != keyFile.isEmpty()) {
                throw new IllegalArgumentException(Option.TLS_CERT.key() + " and " + Option.TLS_KEY.key()
                        + " go together: set both (TLS) or neither (plain HTTP)");
            }
            ConfigValues.requirePositive(Option.TLS_RELOAD_INTERVAL, reloadInterval);
        }

        public boolean enabled() {
            return !certFile.isEmpty();
        }
    }

    /** The defaults with the given keys (YAML paths such as {@code server.port}) overridden. */
    public static GatewayConfig of(Map<String, String> overrides) {
        return ConfigValues.parse(ConfigValues.defaultsWith(overrides));
    }

    /** As {@link #of(Map)}, with model pools, each its keys as YAML paths ({@code name}, {@code models}, ...). */
    public static GatewayConfig of(Map<String, String> overrides, List<Map<String, String>> pools) {
        return ConfigValues.parse(ConfigValues.defaultsWith(overrides), pools);
    }
}
