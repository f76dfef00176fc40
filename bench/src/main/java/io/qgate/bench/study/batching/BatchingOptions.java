package io.qgate.bench.study.batching;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.sim.SimOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the batching scenario. Everything runs in real time (time scale 1): the proxy work
 * that batching saves is CPU time on the wall clock.
 *
 * @param replicas        simulated LiteLLM + vLLM replicas
 * @param proxyCpuMs      each replica's LiteLLM work per request, on {@code proxyWorkers} workers
 * @param proxyWorkers    requests one replica's LiteLLM works on at once
 * @param concurrency     connections of the closed-loop phase
 * @param rate            Poisson arrivals per second of the open-loop phase; 0 leaves the phase out
 * @param closedDuration  how long the closed-loop load runs in each configuration
 * @param openDuration    how long the open-loop load runs in each configuration
 * @param warmup          an unmeasured run of the same load before each measured one (0: none)
 * @param maxRequests     the most requests one measured run issues, whatever its duration
 * @param inputTokens     length of each request's single input
 * @param embeddingDim    length of the vectors the replicas answer with
 * @param maxItems        the gateway's {@code batching.max-items} in the batched runs, or 0 for its default
 * @param maxWait         the gateway's {@code batching.max-wait} in the batched runs, or {@code null} for its default
 * @param gatewayThreads  the gateway's event-loop threads ({@code server.io-threads})
 * @param seed            seeds the inputs and arrivals: both configurations of a phase get the same ones
 * @param out             directory for {@code results.json} and {@code report.md}
 */
public record BatchingOptions(
        int replicas,
        double proxyCpuMs,
        int proxyWorkers,
        int concurrency,
        double rate,
        Duration closedDuration,
        Duration openDuration,
        Duration warmup,
        long maxRequests,
        int inputTokens,
        int embeddingDim,
        int maxItems,
        Duration maxWait,
        int gatewayThreads,
        long seed,
        boolean quick,
        Path out) {

    /** An embedding model whose vectors have the default dimension; only a name to the simulator. */
    static final String MODEL = "BAAI/bge-small-en-v1.5";

    /** The default open-loop rate, as a multiple of what the replicas' proxies serve unbatched. */
    static final double DEFAULT_OVERLOAD = 1.5;

    public BatchingOptions {
        requireNonNull(closedDuration, "closedDuration");
        requireNonNull(openDuration, "openDuration");
        requireNonNull(warmup, "warmup");
        requireNonNull(out, "out");
        atLeast("replicas", replicas, 1);
        if (!(proxyCpuMs > 0) || Double.isInfinite(proxyCpuMs)) {
            throw new IllegalArgumentException("proxyCpuMs: " + proxyCpuMs
                    + " (expected: > 0; without proxy work batching has nothing to save)");
        }
        atLeast("proxyWorkers", proxyWorkers, 1);
        atLeast("concurrency", concurrency, 1);
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0)");
        }
        positive("closedDuration", closedDuration);
        positive("openDuration", openDuration);
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: >= 1)");
        }
        atLeast("inputTokens", inputTokens, 1);
        atLeast("embeddingDim", embeddingDim, 1);
        atLeast("maxItems", maxItems, 0);
        if (maxWait != null && maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
        }
        atLeast("gatewayThreads", gatewayThreads, 1);
    }

    /**
     * The full run: two replicas whose LiteLLM does 5 ms of single-threaded work per request
     * (400 requests per second between them unbatched), 64 connections, then Poisson arrivals at
     * 1.5 times the unbatched capacity. About a minute.
     */
    public static Builder full(Path out) {
        return new Builder(out, false).replicas(2).proxyCpuMs(5).proxyWorkers(1).concurrency(64).rate(-1)
                .closedDuration(Duration.ofSeconds(10)).openDuration(Duration.ofSeconds(5))
                .warmup(Duration.ofSeconds(3)).maxRequests(200_000);
    }

    /** A smoke run of both phases in seconds: fewer connections, one-second loads. */
    public static Builder quick(Path out) {
        return new Builder(out, true).replicas(2).proxyCpuMs(5).proxyWorkers(1).concurrency(16).rate(-1)
                .closedDuration(Duration.ofSeconds(1)).openDuration(Duration.ofSeconds(1))
                .warmup(Duration.ofMillis(300)).maxRequests(5_000);
    }

    /** Requests per second the replicas' proxies serve when every request carries one input. */
    public double unbatchedCapacity() {
        return replicas * proxyWorkers * 1000.0 / proxyCpuMs;
    }

    /** Whether the open-loop phase runs. */
    public boolean openLoop() {
        return rate > 0;
    }

    /** Replica {@code index}: real time, its LiteLLM's proxy work on, everything else the simulator's defaults. */
    SimOptions replica(int index) {
        return SimOptions.defaults()
                .with(o -> {
                    o.host = "127.0.0.1";
                    o.port = 0;
                    o.model = MODEL;
                    o.embeddingDim = embeddingDim;
                    o.proxyCpuMs = proxyCpuMs;
                    o.proxyWorkers = proxyWorkers;
                    o.seed = seed + index;
                    o.ioThreads = 1;
                });
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    /** Collects flags over a base ({@link #full} or {@link #quick}); {@link #build} validates. */
    public static final class Builder {
        private final boolean quick;
        private Path out;
        private int replicas;
        private double proxyCpuMs;
        private int proxyWorkers;
        private int concurrency;
        /** Negative: {@link #DEFAULT_OVERLOAD} times the unbatched capacity, computed at build time. */
        private double rate;
        private Duration closedDuration;
        private Duration openDuration;
        private Duration warmup;
        private long maxRequests;
        private int inputTokens = 32;
        private int embeddingDim = 384;
        private int maxItems;
        private Duration maxWait;
        private int gatewayThreads = 1;
        private long seed = 42;

        private Builder(Path out, boolean quick) {
            this.out = out;
            this.quick = quick;
        }

        public Builder out(Path v) { out = v; return this; }

        public Builder replicas(int v) { replicas = v; return this; }

        public Builder proxyCpuMs(double v) { proxyCpuMs = v; return this; }

        public Builder proxyWorkers(int v) { proxyWorkers = v; return this; }

        public Builder concurrency(int v) { concurrency = v; return this; }

        /** Open-loop rate; 0 leaves that phase out, a negative value asks for the default. */
        public Builder rate(double v) { rate = v; return this; }

        public Builder closedDuration(Duration v) { closedDuration = v; return this; }

        public Builder openDuration(Duration v) { openDuration = v; return this; }

        /** Both phases' duration. */
        public Builder duration(Duration v) { closedDuration = v; openDuration = v; return this; }

        public Builder warmup(Duration v) { warmup = v; return this; }

        public Builder maxRequests(long v) { maxRequests = v; return this; }

        public Builder inputTokens(int v) { inputTokens = v; return this; }

        public Builder embeddingDim(int v) { embeddingDim = v; return this; }

        public Builder maxItems(int v) { maxItems = v; return this; }

        public Builder maxWait(Duration v) { maxWait = v; return this; }

        public Builder gatewayThreads(int v) { gatewayThreads = v; return this; }

        public Builder seed(long v) { seed = v; return this; }

        public BatchingOptions build() {
            double effectiveRate = rate;
            if (rate < 0 && proxyCpuMs > 0) {
                effectiveRate = Math.round(DEFAULT_OVERLOAD * replicas * proxyWorkers * 1000.0 / proxyCpuMs);
            }
            return new BatchingOptions(replicas, proxyCpuMs, proxyWorkers, concurrency, effectiveRate,
                    closedDuration, openDuration, warmup, maxRequests, inputTokens, embeddingDim, maxItems, maxWait,
                    gatewayThreads, seed, quick, out);
        }
    }
}
