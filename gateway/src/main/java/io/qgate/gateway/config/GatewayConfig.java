package io.qgate.gateway.config;

import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.batch.BatchPolicy;
import io.qgate.routing.config.Units;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's settings, resolved and validated. Built from string values by
 * {@link ConfigLoader} (defaults, then YAML file, then environment, then flags) or, in tests, by
 * {@link #of(Map)} with just the keys that differ from the defaults.
 */
public record GatewayConfig(
        String host,
        int port,
        int adminPort,
        String endpoints,
        Kubernetes kubernetes,
        int ioThreads,
        int maxBodySize,
        int maxHeaderSize,
        Duration clientIdleTimeout,
        Duration requestReadTimeout,
        Tls tls,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration upstreamIdleTimeout,
        int maxConnectionsPerEndpoint,
        int maxConnectingPerEndpoint,
        Duration poolIdleTimeout,
        int connectAttempts,
        int statusRetries,
        String routingStrategy,
        boolean queueCorrection,
        boolean prefixAffinity,
        int affinityMargin,
        int prefixBlockChars,
        int prefixMaxBlocks,
        int prefixCacheSize,
        boolean scrapeEnabled,
        Duration scrapeInterval,
        Duration scrapeTimeout,
        int scrapePort,
        String scrapePath,
        String scrapeEngine,
        Duration scrapeStaleAfter,
        int ejectionFailures,
        Duration ejectionBaseTime,
        Duration ejectionMaxTime,
        AdmissionLimits admission,
        Batching batching,
        Duration shutdownDelay,
        Duration shutdownTimeout,
        List<String> metricsModels,
        int metricsMaxModels) {

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
            requirePositive(Option.TLS_RELOAD_INTERVAL, reloadInterval);
        }

        public boolean enabled() {
            return !certFile.isEmpty();
        }

        static Tls of(Map<Option, String> v) {
            return new Tls(v.get(Option.TLS_CERT).trim(), v.get(Option.TLS_KEY).trim(),
                    duration(Option.TLS_RELOAD_INTERVAL, v));
        }
    }

    /**
     * The gateway's own limit on requests at the replicas and the queue in front of it.
     *
     * @param maxInflight   slots per gateway (0: none)
     * @param maxPerReplica slots per ready replica (0: none)
     */
    public record AdmissionLimits(int maxInflight, int maxPerReplica, int queueSize, Duration queueTimeout,
                                  Duration retryAfter) {
        static AdmissionLimits of(Map<Option, String> v) {
            AdmissionLimits limits = new AdmissionLimits(
                    Units.integer(Option.ADMISSION_MAX_INFLIGHT.key(), v.get(Option.ADMISSION_MAX_INFLIGHT), 0,
                            10_000_000),
                    Units.integer(Option.ADMISSION_MAX_PER_REPLICA.key(), v.get(Option.ADMISSION_MAX_PER_REPLICA), 0,
                            1_000_000),
                    Units.integer(Option.ADMISSION_QUEUE_SIZE.key(), v.get(Option.ADMISSION_QUEUE_SIZE), 0, 10_000_000),
                    duration(Option.ADMISSION_QUEUE_TIMEOUT, v),
                    duration(Option.ADMISSION_RETRY_AFTER, v));
            requirePositive(Option.ADMISSION_QUEUE_TIMEOUT, limits.queueTimeout());
            return limits;
        }

        /** The Retry-After header value: whole seconds, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
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

        static Batching of(Map<Option, String> v) {
            Set<ApiRoute> routes = EnumSet.noneOf(ApiRoute.class);
            for (String name : v.get(Option.BATCHING_ROUTES).split(",")) {
                String label = name.trim();
                if (label.isEmpty()) {
                    continue;
                }
                if (label.equals(ApiRoute.EMBEDDINGS.label())) {
                    routes.add(ApiRoute.EMBEDDINGS);
                } else if (label.equals(ApiRoute.COMPLETIONS.label())) {
                    routes.add(ApiRoute.COMPLETIONS);
                } else {
                    throw new IllegalArgumentException(Option.BATCHING_ROUTES.key() + ": " + label
                            + " (expected: embeddings, completions or nothing)");
                }
            }
            BatchPolicy policy = new BatchPolicy(
                    Units.integer(Option.BATCHING_MAX_ITEMS.key(), v.get(Option.BATCHING_MAX_ITEMS), 1, 2048),
                    Units.integer(Option.BATCHING_MAX_TOKENS.key(), v.get(Option.BATCHING_MAX_TOKENS), 1, 10_000_000),
                    duration(Option.BATCHING_MAX_WAIT, v));
            return new Batching(routes, policy, Units.integer(Option.BATCHING_MAX_COMPLETION_TOKENS.key(),
                    v.get(Option.BATCHING_MAX_COMPLETION_TOKENS), 0, 1_000_000));
        }
    }

    static final Set<String> STRATEGIES = Set.of("queue", "least-inflight", "round-robin", "random");
    static final Set<String> ENGINES = Set.of("vllm", "sglang");

    public GatewayConfig {
        if (!STRATEGIES.contains(routingStrategy)) {
            throw new IllegalArgumentException(Option.ROUTING_STRATEGY.key() + ": " + routingStrategy
                    + " (expected: one of " + STRATEGIES + ")");
        }
        if (!ENGINES.contains(scrapeEngine)) {
            throw new IllegalArgumentException(Option.SCRAPE_ENGINE.key() + ": " + scrapeEngine
                    + " (expected: one of " + ENGINES + ")");
        }
        if (!scrapePath.startsWith("/")) {
            throw new IllegalArgumentException(Option.SCRAPE_PATH.key() + ": " + scrapePath + " (expected: a path starting with /)");
        }
        requirePositive(Option.SCRAPE_INTERVAL, scrapeInterval);
        requirePositive(Option.SCRAPE_TIMEOUT, scrapeTimeout);
        requirePositive(Option.SCRAPE_STALE_AFTER, scrapeStaleAfter);
        requirePositive(Option.EJECTION_BASE_TIME, ejectionBaseTime);
        if (ejectionMaxTime.compareTo(ejectionBaseTime) < 0) {
            throw new IllegalArgumentException(Option.EJECTION_MAX_TIME.key() + ": " + Units.format(ejectionMaxTime)
                    + " (expected: >= " + Option.EJECTION_BASE_TIME.key() + ")");
        }
        requirePositive(Option.CONNECT_TIMEOUT, connectTimeout);
        requirePositive(Option.FIRST_BYTE_TIMEOUT, firstByteTimeout);
        requirePositive(Option.UPSTREAM_IDLE_TIMEOUT, upstreamIdleTimeout);
        requirePositive(Option.CLIENT_IDLE_TIMEOUT, clientIdleTimeout);
        requirePositive(Option.REQUEST_READ_TIMEOUT, requestReadTimeout);
        requirePositive(Option.POOL_IDLE_TIMEOUT, poolIdleTimeout);
    }

    private static void requirePositive(Option option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option.key() + ": " + Units.format(value) + " (expected: > 0)");
        }
    }

    /** The defaults with the given keys (YAML paths such as {@code server.port}) overridden. */
    public static GatewayConfig of(Map<String, String> overrides) {
        Map<Option, String> values = new EnumMap<>(Option.class);
        for (Option option : Option.values()) {
            values.put(option, option.defaultValue());
        }
        overrides.forEach((key, value) -> {
            Option option = Option.ofKey(key);
            if (option == null) {
                throw new IllegalArgumentException("unknown configuration key: " + key);
            }
            values.put(option, value);
        });
        return fromValues(values);
    }

    static GatewayConfig fromValues(Map<Option, String> v) {
        return new GatewayConfig(
                v.get(Option.SERVER_HOST).trim(),
                Units.integer(Option.SERVER_PORT.key(), v.get(Option.SERVER_PORT), 0, 65535),
                Units.integer(Option.ADMIN_PORT.key(), v.get(Option.ADMIN_PORT), 0, 65535),
                v.get(Option.ENDPOINTS).trim(),
                new Kubernetes(v.get(Option.KUBERNETES_SERVICE).trim(), v.get(Option.KUBERNETES_NAMESPACE).trim(),
                        v.get(Option.KUBERNETES_API).trim(), v.get(Option.KUBERNETES_PORT_NAME).trim(),
                        v.get(Option.KUBERNETES_METRICS_PORT).trim()),
                Units.integer(Option.IO_THREADS.key(), v.get(Option.IO_THREADS), 0, 1024),
                intSize(Option.MAX_BODY_SIZE, v.get(Option.MAX_BODY_SIZE), 1024),
                intSize(Option.MAX_HEADER_SIZE, v.get(Option.MAX_HEADER_SIZE), 1024),
                duration(Option.CLIENT_IDLE_TIMEOUT, v),
                duration(Option.REQUEST_READ_TIMEOUT, v),
                Tls.of(v),
                duration(Option.CONNECT_TIMEOUT, v),
                duration(Option.FIRST_BYTE_TIMEOUT, v),
                duration(Option.UPSTREAM_IDLE_TIMEOUT, v),
                Units.integer(Option.MAX_CONNECTIONS.key(), v.get(Option.MAX_CONNECTIONS), 1, 1_000_000),
                Units.integer(Option.MAX_CONNECTING.key(), v.get(Option.MAX_CONNECTING), 1, 1_000_000),
                duration(Option.POOL_IDLE_TIMEOUT, v),
                Units.integer(Option.CONNECT_ATTEMPTS.key(), v.get(Option.CONNECT_ATTEMPTS), 1, 10),
                Units.integer(Option.STATUS_RETRIES.key(), v.get(Option.STATUS_RETRIES), 0, 5),
                v.get(Option.ROUTING_STRATEGY).trim(),
                bool(Option.QUEUE_CORRECTION, v),
                bool(Option.PREFIX_AFFINITY, v),
                Units.integer(Option.AFFINITY_MARGIN.key(), v.get(Option.AFFINITY_MARGIN), 0, 1_000_000),
                Units.integer(Option.PREFIX_BLOCK_CHARS.key(), v.get(Option.PREFIX_BLOCK_CHARS), 8, 65_536),
                Units.integer(Option.PREFIX_MAX_BLOCKS.key(), v.get(Option.PREFIX_MAX_BLOCKS), 1, 1_024),
                Units.integer(Option.PREFIX_CACHE_SIZE.key(), v.get(Option.PREFIX_CACHE_SIZE), 1, 100_000_000),
                bool(Option.SCRAPE_ENABLED, v),
                duration(Option.SCRAPE_INTERVAL, v),
                duration(Option.SCRAPE_TIMEOUT, v),
                Units.integer(Option.SCRAPE_PORT.key(), v.get(Option.SCRAPE_PORT), 0, 65535),
                v.get(Option.SCRAPE_PATH).trim(),
                v.get(Option.SCRAPE_ENGINE).trim(),
                duration(Option.SCRAPE_STALE_AFTER, v),
                Units.integer(Option.EJECTION_FAILURES.key(), v.get(Option.EJECTION_FAILURES), 0, 1_000),
                duration(Option.EJECTION_BASE_TIME, v),
                duration(Option.EJECTION_MAX_TIME, v),
                AdmissionLimits.of(v),
                Batching.of(v),
                duration(Option.SHUTDOWN_DELAY, v),
                duration(Option.SHUTDOWN_TIMEOUT, v),
                list(v.get(Option.METRICS_MODELS)),
                Units.integer(Option.METRICS_MAX_MODELS.key(), v.get(Option.METRICS_MAX_MODELS), 0, 10_000));
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    private static boolean bool(Option option, Map<Option, String> values) {
        String text = values.get(option).trim();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(option.key() + ": " + text + " (expected: true or false)");
    }

    private static Duration duration(Option option, Map<Option, String> values) {
        return Units.duration(option.key(), values.get(option));
    }

    private static int intSize(Option option, String text, int min) {
        long bytes = Units.size(option.key(), text);
        if (bytes < min || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option.key() + ": " + text + " (expected: " + min + " bytes to 2GiB)");
        }
        return (int) bytes;
    }
}
