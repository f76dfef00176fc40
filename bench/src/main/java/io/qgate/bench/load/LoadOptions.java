package io.qgate.bench.load;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a load run needs, validated at construction. Build with {@link #builder()} or parse
 * a command line with {@link #parse(String[])}.
 *
 * <p>Exactly one of {@code rate} (open loop, requests per second) and {@code concurrency} (closed
 * loop, connections) is positive. A run stops issuing after {@code duration} or after
 * {@code requests} requests, whichever comes first; at least one of them is set.
 *
 * @param duration   how long to issue requests, or {@code null} to be bounded by {@code requests} only
 * @param requests   how many requests to issue, or 0 for no limit
 * @param out        where to write the results JSON, or {@code null}
 * @param warmup     how long to run the same load, on the same connections, before measuring ({@link Duration#ZERO}: none)
 * @param headers    extra request headers, such as {@code Authorization}
 * @param priority   the {@code priority} every request body carries (vLLM's: lower starts first), or
 *                   {@code null} for none
 */
public record LoadOptions(
        URI url,
        Api api,
        String model,
        double rate,
        int concurrency,
        Duration duration,
        long requests,
        boolean stream,
        Workload workload,
        int tenants,
        int systemPromptTokens,
        long seed,
        int threads,
        int maxConnections,
        Duration drainTimeout,
        Duration requestTimeout,
        Duration warmup,
        Map<String, String> headers,
        Path out,
        boolean quiet,
        Integer priority) {

    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");
    public static final String DEFAULT_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    public static final int DEFAULT_CONCURRENCY = 8;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_SYSTEM_PROMPT_TOKENS = 1000;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_MAX_CONNECTIONS = 2048;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    public LoadOptions {
        requireNonNull(url, "url");
        requireNonNull(api, "api");
        requireNonNull(model, "model");
        requireNonNull(workload, "workload");
        requireNonNull(drainTimeout, "drainTimeout");
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(warmup, "warmup");
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://host[:port])");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
        }
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: > 0)");
        }
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("rate: " + rate + ", concurrency: " + concurrency
                    + " (expected: exactly one of --rate and --concurrency)");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (requests < 0) {
            throw new IllegalArgumentException("requests: " + requests + " (expected: > 0)");
        }
        if (duration == null && requests == 0) {
            throw new IllegalArgumentException("duration and requests both unset (expected: at least one)");
        }
        if (tenants < 0) {
            throw new IllegalArgumentException("tenants: " + tenants + " (expected: >= 0)");
        }
        if (systemPromptTokens < 1 || systemPromptTokens > PromptText.MAX_TOKENS) {
            throw new IllegalArgumentException("systemPromptTokens: " + systemPromptTokens
                    + " (expected: 1.." + PromptText.MAX_TOKENS + ")");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        if (maxConnections < threads) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections
                    + " (expected: >= threads, " + threads + ")");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers")));
    }

    /** Parses a command line; see {@link #help()}. Throws {@link IllegalArgumentException} on a bad option. */
    public static LoadOptions parse(String[] args) {
        return LoadOptionsParser.parse(args);
    }

    /** The {@code --help} text: every option with its default. */
    public static String help() {
        return LoadOptionsParser.help();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Open loop (Poisson arrivals at {@link #rate}) or closed loop ({@link #concurrency} connections). */
    public boolean openLoop() {
        return rate > 0;
    }

    public String mode() {
        return openLoop() ? "open" : "closed";
    }

    /** A builder with every default set; {@code rate} switches to an open loop. */
    public static final class Builder {
        private URI url = DEFAULT_URL;
        private Api api = Api.CHAT;
        private String model = DEFAULT_MODEL;
        private double rate;
        private int concurrency;
        private Duration duration;
        private long requests;
        private boolean stream;
        private Workload workload = Workload.sharegpt();
        private int tenants;
        private int systemPromptTokens = DEFAULT_SYSTEM_PROMPT_TOKENS;
        private long seed = DEFAULT_SEED;
        private int threads = 1;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration warmup = Duration.ZERO;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Path out;
        private boolean quiet;
        private Integer priority;

        private Builder() {}

        public Builder url(URI url) { this.url = url; return this; }

        public Builder url(String url) { return url(URI.create(url)); }

        public Builder api(Api api) { this.api = api; return this; }

        public Builder model(String model) { this.model = model; return this; }

        public Builder rate(double rate) { this.rate = rate; return this; }

        public Builder concurrency(int concurrency) { this.concurrency = concurrency; return this; }

        public Builder duration(Duration duration) { this.duration = duration; return this; }

        public Builder requests(long requests) { this.requests = requests; return this; }

        public Builder stream(boolean stream) { this.stream = stream; return this; }

        public Builder workload(Workload workload) { this.workload = workload; return this; }

        public Builder tenants(int tenants) { this.tenants = tenants; return this; }

        public Builder systemPromptTokens(int tokens) { this.systemPromptTokens = tokens; return this; }

        public Builder seed(long seed) { this.seed = seed; return this; }

        public Builder threads(int threads) { this.threads = threads; return this; }

        public Builder maxConnections(int maxConnections) { this.maxConnections = maxConnections; return this; }

        public Builder drainTimeout(Duration drainTimeout) { this.drainTimeout = drainTimeout; return this; }

        public Builder requestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; return this; }

        public Builder warmup(Duration warmup) { this.warmup = warmup; return this; }

        public Builder header(String name, String value) {
            headers.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        public Builder out(Path out) { this.out = out; return this; }

        public Builder quiet(boolean quiet) { this.quiet = quiet; return this; }

        public Builder priority(int priority) { this.priority = priority; return this; }

        /** Fills in the defaults that depend on other choices, then validates. */
        public LoadOptions build() {
            int effectiveConcurrency = rate == 0 && concurrency == 0 ? DEFAULT_CONCURRENCY : concurrency;
            Duration effectiveDuration = duration == null && requests == 0 ? DEFAULT_DURATION : duration;
            return new LoadOptions(url, api, model, rate, effectiveConcurrency, effectiveDuration, requests,
                    stream, workload, tenants, systemPromptTokens, seed, threads, maxConnections,
                    drainTimeout, requestTimeout, warmup, headers, out, quiet, priority);
        }
    }
}
