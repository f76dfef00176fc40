package io.qgate.gateway.config;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.batch.BatchPolicy;
import io.qgate.routing.config.Units;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the resolved string value of every {@link Option} into {@link GatewayConfig}'s groups,
 * each value checked against its range with the key in the message.
 */
final class ConfigValues {

    private final Map<Option, String> values;

    private ConfigValues(Map<Option, String> values) {
        this.values = values;
    }

    /** Every option at its default. */
    static Map<Option, String> defaults() {
        Map<Option, String> values = new EnumMap<>(Option.class);
        for (Option option : Option.values()) {
            values.put(option, option.defaultValue());
        }
        return values;
    }

    /** The defaults with the given keys (YAML paths such as {@code server.port}) overridden. */
    static Map<Option, String> defaultsWith(Map<String, String> overrides) {
        Map<Option, String> values = defaults();
        overrides.forEach((key, value) -> {
            Option option = Option.ofKey(key);
            if (option == null) {
                throw new IllegalArgumentException("unknown configuration key: " + key);
            }
            values.put(option, value);
        });
        return values;
    }

    static GatewayConfig parse(Map<Option, String> values) {
        return parse(values, List.of());
    }

    /** @param pools the configured pools, each its keys as YAML paths ({@code name}, {@code models}, ...) */
    static GatewayConfig parse(Map<Option, String> values, List<Map<String, String>> pools) {
        return new ConfigValues(values).config(pools);
    }

    private GatewayConfig config(List<Map<String, String>> pools) {
        GatewayConfig.Server server = new GatewayConfig.Server(text(Option.SERVER_HOST), port(Option.SERVER_PORT),
                port(Option.ADMIN_PORT), integer(Option.IO_THREADS, 0, 1024), intSize(Option.MAX_BODY_SIZE, 1024),
                intSize(Option.MAX_HEADER_SIZE, 1024), duration(Option.CLIENT_IDLE_TIMEOUT),
                duration(Option.REQUEST_READ_TIMEOUT), duration(Option.REQUEST_HEAD_TIMEOUT),
                integer(Option.SLOW_HEAD_REFUSALS, 1, 1_000_000), DebugPages.parse(Option.ADMIN_DEBUG.key(), text(Option.ADMIN_DEBUG)));
        GatewayConfig.Upstream upstream = new GatewayConfig.Upstream(duration(Option.CONNECT_TIMEOUT),
                duration(Option.FIRST_BYTE_TIMEOUT), duration(Option.UPSTREAM_IDLE_TIMEOUT),
                integer(Option.MAX_CONNECTIONS, 1, 1_000_000), integer(Option.MAX_CONNECTING, 1, 1_000_000),
                duration(Option.POOL_IDLE_TIMEOUT), integer(Option.CONNECT_ATTEMPTS, 1, 10),
                integer(Option.STATUS_RETRIES, 0, 5));
        GatewayConfig.Scrape scrape = scrape();
        GatewayConfig.Ejection ejection = ejection();
        GatewayConfig.Routing routing = routing(scrape, ejection);
        GatewayConfig.AdmissionLimits admission = admission();
        GatewayConfig.Batching batching = batching();
        GatewayConfig.Discovery discovery = discovery();
        List<PoolConfig> configured = new ArrayList<>();
        for (Map<String, String> pool : pools) {
            configured.add(pool(pool));
        }
        // The top-level replicas stay a pool of their own: alone (no pools), or beside the others.
        if (configured.isEmpty() || discovery.hasSource()) {
            configured.add(new PoolConfig(PoolConfig.DEFAULT, List.of(), discovery, routing, scrape, admission,
                    batching, scaleFromZero()));
        }
        GatewayConfig.Pools poolGroup = new GatewayConfig.Pools(configured, text(Option.DEFAULT_POOL),
                durationOrZero(Option.MODELS_REFRESH), text(Option.MODELS_API_KEY));
        return new GatewayConfig(server, upstream, routing, scrape, ejection, admission, batching, discovery,
                new GatewayConfig.Shutdown(duration(Option.SHUTDOWN_DELAY), duration(Option.SHUTDOWN_TIMEOUT)),
                new GatewayConfig.Metrics(list(Option.METRICS_MODELS), integer(Option.METRICS_MAX_MODELS, 0, 10_000)),
                tls(), poolGroup, peers());
    }

    /** The options a pool can set for itself: the rest are the gateway's. */
    private static final List<String> POOL_PREFIXES = List.of("endpoints", "discovery.", "routing.", "scrape.",
            "admission.", "batching.", "scale-from-zero.");
    private static final Set<Option> SOURCES = EnumSet.of(Option.ENDPOINTS, Option.DISCOVERY_FILE,
            Option.KUBERNETES_SERVICE);

    /**
     * One pool: the top-level values with the pool's own over them, except the source of replicas,
     * which is never inherited (two pools on the same replicas would be one pool twice).
     */
    private PoolConfig pool(Map<String, String> keys) {
        Map<String, String> rest = new LinkedHashMap<>(keys);
        String name = rest.containsKey("name") ? rest.remove("name").trim() : "";
        String where = "pools[" + (name.isEmpty() ? "?" : name) + "]: ";
        List<String> models = split(rest.containsKey("models") ? rest.remove("models") : "");
        Map<Option, String> own = new EnumMap<>(values);
        SOURCES.forEach(source -> own.put(source, source.defaultValue()));
        rest.forEach((key, value) -> {
            Option option = Option.ofKey(key);
            if (option == null || option == Option.MODELS_REFRESH || option == Option.MODELS_API_KEY
                    || POOL_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException(where + (option == null ? "unknown key " : "not a per-pool key ")
                        + key + " (a pool has name, models, endpoints or discovery.*, and routing.*, scrape.*,"
                        + " admission.*, batching.* or scale-from-zero.* to override the gateway's)");
            }
            own.put(option, value);
        });
        try {
            ConfigValues pool = new ConfigValues(own);
            GatewayConfig.Scrape scrape = pool.scrape();
            GatewayConfig.Discovery discovery = pool.discovery();
            if (!discovery.hasSource()) {
                throw new IllegalArgumentException("no replicas (expected: endpoints, discovery.file or "
                        + "discovery.kubernetes.service)");
            }
            return new PoolConfig(name, models, discovery, pool.routing(scrape, pool.ejection()), scrape,
                    pool.admission(), pool.batching(), pool.scaleFromZero());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private GatewayConfig.ScaleFromZero scaleFromZero() {
        return new GatewayConfig.ScaleFromZero(bool(Option.SCALE_FROM_ZERO_ENABLED),
                duration(Option.SCALE_FROM_ZERO_TIMEOUT), integer(Option.SCALE_FROM_ZERO_RELEASE, 1, 100_000));
    }

    private GatewayConfig.Scrape scrape() {
        return new GatewayConfig.Scrape(bool(Option.SCRAPE_ENABLED), duration(Option.SCRAPE_INTERVAL),
                duration(Option.SCRAPE_TIMEOUT), port(Option.SCRAPE_PORT), text(Option.SCRAPE_PATH),
                text(Option.SCRAPE_ENGINE), duration(Option.SCRAPE_STALE_AFTER));
    }

    private GatewayConfig.Ejection ejection() {
        return new GatewayConfig.Ejection(integer(Option.EJECTION_FAILURES, 0, 1_000),
                duration(Option.EJECTION_BASE_TIME), duration(Option.EJECTION_MAX_TIME));
    }

    private GatewayConfig.Routing routing(GatewayConfig.Scrape scrape, GatewayConfig.Ejection ejection) {
        RoutingSettings.Weights weights = new RoutingSettings.Weights(weight(Option.WEIGHT_QUEUE),
                weight(Option.WEIGHT_KV_CACHE), weight(Option.WEIGHT_PREFIX), weight(Option.WEIGHT_LORA));
        RoutingSettings settings = new RoutingSettings(scrape.staleAfter(), bool(Option.QUEUE_CORRECTION),
                bool(Option.PREFIX_AFFINITY), integer(Option.AFFINITY_MARGIN, 0, 1_000_000),
                integer(Option.PREFIX_CACHE_SIZE, 1, 100_000_000), ejection.consecutiveFailures(),
                ejection.baseTime(), ejection.maxTime(), weights, integer(Option.SAMPLE_SIZE, 0, 1_000_000));
        return new GatewayConfig.Routing(text(Option.ROUTING_STRATEGY), integer(Option.PREFIX_BLOCK_CHARS, 8, 65_536),
                integer(Option.PREFIX_MAX_BLOCKS, 1, 1_024), settings);
    }

    private GatewayConfig.AdmissionLimits admission() {
        String sheddable = text(Option.ADMISSION_SHEDDABLE_BELOW);
        return new GatewayConfig.AdmissionLimits(integer(Option.ADMISSION_MAX_INFLIGHT, 0, 10_000_000),
                integer(Option.ADMISSION_MAX_PER_REPLICA, 0, 1_000_000),
                integer(Option.ADMISSION_QUEUE_SIZE, 0, 10_000_000), duration(Option.ADMISSION_QUEUE_TIMEOUT),
                duration(Option.ADMISSION_RETRY_AFTER),
                new GatewayConfig.Saturation(bool(Option.ADMISSION_SATURATION),
                        integer(Option.ADMISSION_MAX_NUM_SEQS, 0, 1_000_000),
                        engineQueue()),
                new GatewayConfig.Ordering(sheddable.isEmpty() ? null
                        : integer(Option.ADMISSION_SHEDDABLE_BELOW, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1),
                        text(Option.ADMISSION_TENANT_HEADER), text(Option.ADMISSION_PRIORITY_HEADER)));
    }

    private GatewayConfig.Batching batching() {
        Set<ApiRoute> routes = EnumSet.noneOf(ApiRoute.class);
        for (String label : list(Option.BATCHING_ROUTES)) {
            if (label.equals(ApiRoute.EMBEDDINGS.label())) {
                routes.add(ApiRoute.EMBEDDINGS);
            } else if (label.equals(ApiRoute.COMPLETIONS.label())) {
                routes.add(ApiRoute.COMPLETIONS);
            } else {
                throw new IllegalArgumentException(Option.BATCHING_ROUTES.key() + ": " + label
                        + " (expected: embeddings, completions or nothing)");
            }
        }
        BatchPolicy policy = new BatchPolicy(integer(Option.BATCHING_MAX_ITEMS, 1, 2048),
                integer(Option.BATCHING_MAX_TOKENS, 1, 10_000_000), duration(Option.BATCHING_MAX_WAIT));
        return new GatewayConfig.Batching(routes, policy, integer(Option.BATCHING_MAX_COMPLETION_TOKENS, 0, 1_000_000));
    }

    private GatewayConfig.Discovery discovery() {
        return new GatewayConfig.Discovery(text(Option.ENDPOINTS), text(Option.DISCOVERY_FILE),
                new GatewayConfig.Kubernetes(
                text(Option.KUBERNETES_SERVICE), text(Option.KUBERNETES_NAMESPACE), text(Option.KUBERNETES_API),
                text(Option.KUBERNETES_PORT_NAME), text(Option.KUBERNETES_METRICS_PORT)));
    }

    private GatewayConfig.Tls tls() {
        return new GatewayConfig.Tls(text(Option.TLS_CERT), text(Option.TLS_KEY), duration(Option.TLS_RELOAD_INTERVAL));
    }

    private PeersConfig peers() {
        return new PeersConfig(text(Option.PEERS_ENDPOINTS), text(Option.PEERS_KUBERNETES_SERVICE),
                port(Option.PEERS_PORT), duration(Option.PEERS_INTERVAL), text(Option.PEERS_SECRET),
                text(Option.PEERS_SECRET_FILE));
    }

    static void requirePositive(Option option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option.key() + ": " + Units.format(value) + " (expected: > 0)");
        }
    }

    private String text(Option option) {
        return values.get(option).trim();
    }

    private List<String> list(Option option) {
        return split(values.get(option));
    }

    private static List<String> split(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** A duration where 0 means never. */
    private Duration durationOrZero(Option option) {
        return text(option).equals("0") ? Duration.ZERO : duration(option);
    }

    /** {@code auto}, or a whole number of requests. */
    private int engineQueue() {
        String text = text(Option.ADMISSION_ENGINE_QUEUE);
        if (text.equalsIgnoreCase("auto")) {
            return GatewayConfig.Saturation.AUTO;
        }
        try {
            return integer(Option.ADMISSION_ENGINE_QUEUE, 0, 1_000_000);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Option.ADMISSION_ENGINE_QUEUE.key() + ": " + text
                    + " (expected: auto, or a whole number 0-1000000)", e);
        }
    }

    private int integer(Option option, int min, int max) {
        return Units.integer(option.key(), values.get(option), min, max);
    }

    private int port(Option option) {
        return integer(option, 0, 65535);
    }

    private boolean bool(Option option) {
        String text = text(option);
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(option.key() + ": " + text + " (expected: true or false)");
    }

    private double weight(Option option) {
        String text = text(option);
        try {
            double weight = Double.parseDouble(text);
            if (weight >= 0 && weight <= 1000) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option.key() + ": " + text + " (expected: a number from 0 to 1000)");
    }

    private Duration duration(Option option) {
        return Units.duration(option.key(), values.get(option));
    }

    private int intSize(Option option, int min) {
        String text = values.get(option);
        long bytes = Units.size(option.key(), text);
        if (bytes < min || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option.key() + ": " + text + " (expected: " + min + " bytes to 2GiB)");
        }
        return (int) bytes;
    }
}
