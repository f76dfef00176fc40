package io.qgate.gateway.config;

import java.util.Locale;

/**
 * One configuration key: its YAML path, its default, the flag that sets it (if it has a short
 * one), and what it means. The environment variable is derived from the key
 * ({@code routing.strategy} → {@code QGATE_ROUTING_STRATEGY}) and, for keys with a flag, also
 * from the flag ({@code --port} → {@code QGATE_PORT}).
 */
public enum Option {
    SERVER_HOST("server.host", "0.0.0.0", "--host", "address the client listener binds"),
    SERVER_PORT("server.port", "8080", "--port", "client (OpenAI API) port"),
    ADMIN_PORT("admin.port", "9090", "--admin-port", "admin port: /metrics, /healthz, /readyz"),
    ENDPOINTS("endpoints", "", "--endpoints", "static replicas, comma-separated http://host:port"),
    IO_THREADS("server.io-threads", "0", "--io-threads", "event-loop threads (0: one per core)"),
    MAX_BODY_SIZE("server.max-body-size", "16MiB", null, "largest request body accepted (else 413)"),
    MAX_HEADER_SIZE("server.max-header-size", "32KiB", null, "largest request head accepted (else 431)"),
    CLIENT_IDLE_TIMEOUT("server.idle-timeout", "5m", null, "close a keep-alive client connection idle this long"),
    CONNECT_TIMEOUT("upstream.connect-timeout", "2s", null, "connecting to a replica"),
    FIRST_BYTE_TIMEOUT("upstream.first-byte-timeout", "10m", null,
            "from sending a request to the replica's response head (else 504)"),
    UPSTREAM_IDLE_TIMEOUT("upstream.idle-timeout", "5m", null, "silence of a replica in the middle of a response"),
    MAX_CONNECTIONS("upstream.max-connections", "1024", null,
            "connections per replica per event loop (beyond it requests wait)"),
    POOL_IDLE_TIMEOUT("upstream.pool-idle-timeout", "4s", null,
            "close pooled idle connections after this (below uvicorn's 5s keep-alive)"),
    CONNECT_ATTEMPTS("upstream.connect-attempts", "3", null,
            "replicas tried when connecting fails before the request was sent"),
    ROUTING_STRATEGY("routing.strategy", "round-robin", "--strategy", "how a replica is picked: round-robin"),
    SHUTDOWN_DELAY("shutdown.delay", "3s", null,
            "after SIGTERM, keep serving with /readyz false this long so traffic moves away"),
    SHUTDOWN_TIMEOUT("shutdown.timeout", "60s", null, "longest wait for open requests and streams to finish"),
    METRICS_MAX_MODELS("metrics.max-models", "100", null,
            "distinct model label values before further models are labelled 'other'");

    private final String key;
    private final String defaultValue;
    private final String flag;
    private final String description;

    Option(String key, String defaultValue, String flag, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.flag = flag;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The short flag, or {@code null}; every key can also be given as {@code --<key>}. */
    public String flag() {
        return flag;
    }

    public String description() {
        return description;
    }

    /** {@code QGATE_} and the key in upper case with dots and dashes as underscores. */
    public String environmentVariable() {
        return toEnvironmentName(key);
    }

    /** The environment variable named after the short flag, or {@code null}. */
    public String flagEnvironmentVariable() {
        return flag == null ? null : toEnvironmentName(flag.substring(2));
    }

    private static String toEnvironmentName(String name) {
        return "QGATE_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The option with this key, or {@code null}. */
    public static Option ofKey(String key) {
        for (Option option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        return null;
    }
}
