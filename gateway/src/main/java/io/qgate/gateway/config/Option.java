package io.qgate.gateway.config;

import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;

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
    ADMIN_PORT("admin.port", "9090", "--admin-port",
            "admin port: / (status page), /status.json, /metrics, /healthz, /readyz, /scaling, /debug/endpoints"),
    ADMIN_DEBUG("admin.debug", "on", null,
            "the admin port's /debug/* pages: on, off (404) or loopback (403 to clients not on 127.0.0.1 or ::1)"),
    ENDPOINTS("endpoints", "", "--endpoints", "static replicas, comma-separated http://host:port"),
    DISCOVERY_FILE("discovery.file", "", null,
            "file of replicas, one http://host:port a line (optional ready=false), reloaded on change"),
    KUBERNETES_SERVICE("discovery.kubernetes.service", "", null,
            "discover the replicas as this Service's endpoints (empty: the static list)"),
    KUBERNETES_NAMESPACE("discovery.kubernetes.namespace", "", null,
            "namespace of the Service (empty: the pod's own, else the kubeconfig context's)"),
    KUBERNETES_API("discovery.kubernetes.api", "auto", null,
            "auto (EndpointSlices, else Endpoints on 404/403), endpointslices or endpoints"),
    KUBERNETES_PORT_NAME("discovery.kubernetes.port-name", "", null,
            "name of the serving port in the endpoints (empty: the first port)"),
    DEFAULT_POOL("default-pool", "", null,
            "pool that takes model names no pool serves (empty: those get 404 model_not_found)"),
    MODELS_REFRESH("discovery.models-refresh", "30s", null,
            "how often each replica's GET /v1/models is read to learn the models it serves (0: never)"),
    MODELS_API_KEY("discovery.models-api-key", "", null,
            "bearer token for the replicas' GET /v1/models (LiteLLM's key when it requires one)"),
    KUBERNETES_METRICS_PORT("discovery.kubernetes.metrics-port", "", null,
            "engine metrics port in the endpoints, by name or number (empty: none; see scrape.port)"),
    IO_THREADS("server.io-threads", "0", "--io-threads", "event-loop threads (0: one per core)"),
    MAX_BODY_SIZE("server.max-body-size", "16MiB", null, "largest request body accepted (else 413)"),
    MAX_HEADER_SIZE("server.max-header-size", "32KiB", null, "largest request head accepted (else 431)"),
    CLIENT_IDLE_TIMEOUT("server.idle-timeout", "5m", null,
            "close a keep-alive client connection idle this long (checked once per period: at most twice this)"),
    REQUEST_READ_TIMEOUT("server.request-read-timeout", "30s", null,
            "a client that sends nothing for this long in the middle of a request gets 408"),
    REQUEST_HEAD_TIMEOUT("server.request-head-timeout", "10s", null,
            "a request line and headers not complete this long after their first byte get 408, however steadily they trickle in"),
    SLOW_HEAD_REFUSALS("server.slow-head-refusals-per-second", "100", null,
            "slow request heads answered 408 per second at most; the rest wait their turn, oldest first"),
    TLS_CERT("server.tls.cert", "", null,
            "PEM certificate chain file of the client listener, its own certificate first (empty: plain HTTP)"),
    TLS_KEY("server.tls.key", "", null,
            "PEM private key file of that certificate: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted"),
    TLS_RELOAD_INTERVAL("server.tls.reload-interval", "10s", null,
            "how often the certificate and key files are checked; changed files are loaded without a restart"),
    CONNECT_TIMEOUT("upstream.connect-timeout", "2s", null, "connecting to a replica"),
    FIRST_BYTE_TIMEOUT("upstream.first-byte-timeout", "10m", null,
            "from sending a request to the replica's response head (else 504)"),
    UPSTREAM_IDLE_TIMEOUT("upstream.idle-timeout", "5m", null, "silence of a replica in the middle of a response"),
    MAX_CONNECTIONS("upstream.max-connections", "1024", null,
            "connections per replica per event loop (beyond it requests wait)"),
    MAX_CONNECTING("upstream.max-connecting", "32", null,
            "connections being opened at once per replica per event loop (more requests wait for one)"),
    POOL_IDLE_TIMEOUT("upstream.pool-idle-timeout", "4s", null,
            "close pooled idle connections after this (below uvicorn's 5s keep-alive)"),
    CONNECT_ATTEMPTS("upstream.connect-attempts", "3", null,
            "replicas tried when connecting fails before the request was sent"),
    STATUS_RETRIES("upstream.status-retries", "1", null,
            "times a 429 or 503 answered before any byte is retried on another replica (0: never)"),
    ROUTING_STRATEGY("routing.strategy", "work", "--strategy",
            "how a replica is picked: " + String.join(", ", Strategies.NAMES)),
    QUEUE_CORRECTION("routing.queue-correction", "true", null,
            "add requests dispatched since the last scrape to the scraped queue (queue strategy)"),
    PREFIX_AFFINITY("routing.prefix-affinity", "true", null,
            "prefer the replica that served the same prompt prefix (queue strategy)"),
    AFFINITY_MARGIN("routing.affinity-margin", "2", null,
            "leave the prefix's replica when its estimated queue exceeds the shortest by more than this"),
    SAMPLE_SIZE("routing.sample-size", "0", null,
            "replicas, drawn at random, that the queue, work and predicted strategies weigh when there are more "
                    + "(0: queue and work read the load index, predicted weighs every replica; "
                    + RoutingSettings.SAMPLE_SIZE + " was measured)"),
    PREFIX_BLOCK_CHARS("routing.prefix-block-chars", "64", null, "characters per hashed prompt block"),
    PREFIX_MAX_BLOCKS("routing.prefix-max-blocks", "32", null, "leading prompt blocks hashed per request"),
    PREFIX_CACHE_SIZE("routing.prefix-cache-size", "100000", null, "prefix hashes remembered (LRU-like bound)"),
    WEIGHT_QUEUE("routing.weights.queue", "1.0", null,
            "weight of the estimated engine queue in the queue strategy's score (0: left out)"),
    WEIGHT_KV_CACHE("routing.weights.kv-cache", "0.1", null,
            "weight of free KV cache: a tie-breaker among equally loaded replicas (0: left out)"),
    WEIGHT_PREFIX("routing.weights.prefix", "1.2", null,
            "weight of prefix affinity: above the others' largest difference, so affinity wins within its margin"),
    WEIGHT_LORA("routing.weights.lora", "2.0", null,
            "weight of LoRA adapter affinity (active adapter, then a free slot), for requests naming an adapter"),
    SCRAPE_ENABLED("scrape.enabled", "true", null,
            "read each replica's engine metrics (off: every strategy works on in-flight counts alone)"),
    SCRAPE_INTERVAL("scrape.interval", "100ms", null, "how often each replica's engine metrics are read"),
    SCRAPE_TIMEOUT("scrape.timeout", "80ms", null, "a scrape slower than this fails (keep below the interval)"),
    SCRAPE_PORT("scrape.port", "0", null, "port of the engine metrics (0: the replica's own port)"),
    SCRAPE_PATH("scrape.path", "/metrics", null, "path of the engine metrics"),
    SCRAPE_ENGINE("scrape.engine", "vllm", null, "metric names to read: vllm or sglang"),
    SCRAPE_STALE_AFTER("scrape.stale-after", "1s", null,
            "older metrics are not trusted; the replica is then scored by in-flight requests"),
    EJECTION_FAILURES("ejection.consecutive-failures", "5", null,
            "connect failures or 5xx in a row that eject a replica (0: never)"),
    EJECTION_BASE_TIME("ejection.base-time", "5s", null, "first ejection; doubles on each repeat"),
    EJECTION_MAX_TIME("ejection.max-time", "2m", null, "longest ejection"),
    ADMISSION_MAX_INFLIGHT("admission.max-inflight", "10000", null,
            "requests this gateway has at the replicas at once; more wait in its queue (0: no fixed limit)"),
    ADMISSION_MAX_PER_REPLICA("admission.max-inflight-per-replica", "0", null,
            "the same limit per ready replica, so it grows with the fleet (0: none)"),
    ADMISSION_QUEUE_SIZE("admission.queue-size", "1000", null,
            "requests that may wait for a slot; beyond it 429 with Retry-After"),
    ADMISSION_QUEUE_TIMEOUT("admission.queue-timeout", "30s", null, "longest wait for a slot before 429"),
    ADMISSION_SATURATION("admission.saturation", "true", null,
            "hold requests at the gateway while every ready replica's engine is full (late binding)"),
    ADMISSION_MAX_NUM_SEQS("admission.max-num-seqs", "0", null,
            "each engine's batch limit, vLLM's max-num-seqs (0: learnt from scrapes that show a queue)"),
    ADMISSION_ENGINE_QUEUE("admission.engine-queue", "auto", null,
            "requests an engine may have waiting before it counts as saturated (auto: 0 while this gateway and its "
                    + "peers account for the engines' load, 2 while scrapes show load they do not)"),
    ADMISSION_SHEDDABLE_BELOW("admission.sheddable-below", "", null,
            "requests less urgent than this priority (a greater 'priority') may be pushed out of a full queue"),
    ADMISSION_TENANT_HEADER("admission.tenant-header", "", null,
            "header naming the tenant for fair queuing (empty: Authorization, api-key or x-api-key)"),
    ADMISSION_PRIORITY_HEADER("admission.priority-header", "", null,
            "header giving the priority when the body has no 'priority' (empty: none)"),
    ADMISSION_RETRY_AFTER("admission.retry-after", "1s", null, "the Retry-After of a 429 (whole seconds)"),
    SCALE_FROM_ZERO_ENABLED("scale-from-zero.enabled", "false", null,
            "hold requests while the pool has no ready replica (it is scaled to zero and waking) instead of 503"),
    SCALE_FROM_ZERO_TIMEOUT("scale-from-zero.timeout", "5m", null,
            "longest a request is held for a replica to wake (then 503 with Retry-After)"),
    SCALE_FROM_ZERO_RELEASE("scale-from-zero.release-per-replica", "16", null,
            "while held requests remain, at most this many per ready replica are sent on at once"),
    BATCHING_ROUTES("batching.routes", "embeddings,completions", null,
            "routes whose small requests may share one upstream call: embeddings, completions (empty: off)"),
    BATCHING_MAX_ITEMS("batching.max-items", "32", null, "inputs per batched upstream call"),
    BATCHING_MAX_TOKENS("batching.max-tokens", "8192", null,
            "estimated input tokens per batched upstream call (4 characters count as a token)"),
    BATCHING_MAX_COMPLETION_TOKENS("batching.max-completion-tokens", "128", null,
            "completions are batched only with max_tokens at or below this (a batch answers when its longest ends)"),
    BATCHING_MAX_WAIT("batching.max-wait", "2ms", null,
            "longest a request waits for others to join it (none when a replica is idle)"),
    SHUTDOWN_DELAY("shutdown.delay", "3s", null,
            "after SIGTERM, keep serving with /readyz false this long so traffic moves away"),
    SHUTDOWN_TIMEOUT("shutdown.timeout", "60s", null, "longest wait for open requests and streams to finish"),
    METRICS_MODELS("metrics.models", "", null,
            "model names used as the model label from the start (comma-separated; others once answered with 2xx)"),
    METRICS_MAX_MODELS("metrics.max-models", "100", null,
            "model names learnt from 2xx answers; unknown and further models are labelled 'other'"),
    PEERS_ENDPOINTS("peers.endpoints", "", null,
            "other gateways to share dispatch counts with, comma-separated host:port (their peers.port)"),
    PEERS_KUBERNETES_SERVICE("peers.kubernetes.service", "", null,
            "the gateway's own headless Service: its pods are the peers, on peers.port (empty: the static list)"),
    PEERS_PORT("peers.port", "0", null, "UDP port peers listen on (0: the admin port + 1)"),
    PEERS_INTERVAL("peers.interval", "10ms", null,
            "shortest time between two full rounds of counts to the peers (what moved goes out within 1 ms)"),
    PEERS_SECRET("peers.secret", "", null,
            "shared key authenticating peer messages, at least 16 bytes (required when peers are configured)"),
    PEERS_SECRET_FILE("peers.secret-file", "", null,
            "file holding that key, e.g. a mounted Secret (instead of peers.secret)");

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
