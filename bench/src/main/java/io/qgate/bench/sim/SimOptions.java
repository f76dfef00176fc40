package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.EngineModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Settings of one simulated LiteLLM + vLLM replica.
 *
 * <p>The defaults model roughly an 8B model on one H100: 65–110 ms to the first token at light
 * load (60 ms plus 0.04 ms per uncached prompt token, plus the 3 ms LiteLLM hop each way) and
 * 7.5–15 ms per output token depending on how full the batch is. Every duration is in
 * milliseconds of modelled time and is multiplied by {@link #timeScale()}; a time scale of 0
 * turns the replica into a stub that answers at once (for measuring proxy overhead).
 *
 * <p>LiteLLM is modelled in two ways that can be combined. {@link #proxyOverheadMs()} is a pure
 * delay: every request waits it on the way in and again on the way out, however many others are
 * in flight, so it adds latency but never limits throughput. {@link #proxyCpuMs()} is work: each
 * request, whatever number of inputs it carries, holds one of {@link #proxyWorkers()} proxy
 * workers for that long, and requests queue for a worker in arrival order, as they do for the
 * single Python event loop of one LiteLLM process. It caps a replica at
 * {@code proxyWorkers / proxyCpuMs} requests per millisecond, which is what makes sending fewer,
 * larger requests (batching) pay off. Both are off or small by default.
 *
 * @param metricsPort        the port of a separate {@code /metrics} listener, or
 *                           {@link #SAME_PORT} to serve metrics on the API port
 * @param proxyOverheadMs    the LiteLLM hop, waited on the way in and on the way out; does not queue
 * @param proxyCpuMs         proxy work per request, done by one of {@code proxyWorkers} in FIFO order
 *                           (0: none)
 * @param proxyWorkers       how many requests the proxy works on at once
 * @param embeddingMsPerItem engine time each input adds to its embeddings request: the inputs of one
 *                           request are encoded in one pass that ends for all of them together
 * @param ioThreads          Netty I/O threads, or 0 for Netty's default
 * @param loraModules        LoRA adapters served beside the model, each under its own model name (empty: LoRA off)
 * @param maxLoras           adapters the engine holds loaded, as vLLM's {@code --max-loras}
 * @param loraLoadMs         what loading an adapter that is not among the loaded ones adds to the
 *                           prefill of the sequence that needs it
 * @param gpuMetrics         also export the GPU series NVIDIA's DCGM exporter would (see {@link GpuGauges})
 * @param schedulingPolicy   the order waiting requests start in, vLLM's {@code --scheduling-policy}
 */
public record SimOptions(
        String host,
        int port,
        int metricsPort,
        String model,
        int maxNumSeqs,
        double timeScale,
        double prefillOverheadMs,
        double prefillMsPerToken,
        double tpotMs,
        double loadFactorAtMax,
        double proxyOverheadMs,
        double proxyCpuMs,
        int proxyWorkers,
        long kvCapacityTokens,
        int prefixCacheBlocks,
        int meanOutputTokens,
        int maxOutputTokens,
        int embeddingDim,
        double embeddingMsPerItem,
        long seed,
        int ioThreads,
        List<String> loraModules,
        int maxLoras,
        double loraLoadMs,
        boolean gpuMetrics,
        SchedulingPolicy schedulingPolicy) {

    /** {@link #metricsPort()} value meaning "serve {@code /metrics} on the API port". */
    public static final int SAME_PORT = -1;

    /** The engine's defaults are the fleet simulation's, so that both simulators model the same replica. */
    private static final EngineModel ENGINE = EngineModel.defaults();

    private static final SimOptions DEFAULTS = new SimOptions(
            "127.0.0.1", 8001, SAME_PORT, "meta-llama/Llama-3.1-8B-Instruct", ENGINE.maxNumSeqs(), 1.0,
            ENGINE.prefillOverheadMs(), ENGINE.prefillMsPerToken(), ENGINE.tpotMs(), ENGINE.loadFactorAtMax(),
            ENGINE.proxyOverheadMs(), 0.0, 1, ENGINE.kvCapacityTokens(), 8192, 220, 2048, 384, 0.2, 0, 0, List.of(), 1,
            50.0, false, SchedulingPolicy.FCFS);

    public SimOptions {
        requireNonNull(host, "host");
        requireNonNull(model, "model");
        requireNonNull(schedulingPolicy, "schedulingPolicy");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("model: '" + model + "' (expected: a model name)");
        }
        checkPort("port", port);
        if (metricsPort != SAME_PORT) {
            checkPort("metricsPort", metricsPort);
        }
        checkPositive("maxNumSeqs", maxNumSeqs);
        checkNonNegative("timeScale", timeScale);
        checkNonNegative("prefillOverheadMs", prefillOverheadMs);
        checkNonNegative("prefillMsPerToken", prefillMsPerToken);
        checkNonNegative("tpotMs", tpotMs);
        if (!(loadFactorAtMax >= 1.0) || Double.isInfinite(loadFactorAtMax)) {
            throw new IllegalArgumentException("loadFactorAtMax: " + loadFactorAtMax + " (expected: >= 1)");
        }
        checkNonNegative("proxyOverheadMs", proxyOverheadMs);
        checkNonNegative("proxyCpuMs", proxyCpuMs);
        checkPositive("proxyWorkers", proxyWorkers);
        if (kvCapacityTokens <= 0) {
            throw new IllegalArgumentException("kvCapacityTokens: " + kvCapacityTokens + " (expected: > 0)");
        }
        if (prefixCacheBlocks < 0) {
            throw new IllegalArgumentException("prefixCacheBlocks: " + prefixCacheBlocks + " (expected: >= 0)");
        }
        checkPositive("meanOutputTokens", meanOutputTokens);
        if (maxOutputTokens < meanOutputTokens) {
            throw new IllegalArgumentException("maxOutputTokens: " + maxOutputTokens
                    + " (expected: >= meanOutputTokens " + meanOutputTokens + ")");
        }
        checkPositive("embeddingDim", embeddingDim);
        checkNonNegative("embeddingMsPerItem", embeddingMsPerItem);
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
        }
        loraModules = List.copyOf(requireNonNull(loraModules, "loraModules"));
        Set<String> names = new HashSet<>(Set.of(model));
        for (String adapter : loraModules) {
            if (adapter.isBlank() || adapter.contains(",") || !names.add(adapter)) {
                throw new IllegalArgumentException("loraModules: " + loraModules
                        + " (expected: distinct names without commas, none of them the model's)");
            }
        }
        checkPositive("maxLoras", maxLoras);
        checkNonNegative("loraLoadMs", loraLoadMs);
    }

    public static SimOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Parses command-line flags ({@code --name value} or {@code --name=value}) over the defaults.
     *
     * @throws IllegalArgumentException naming the flag when a flag is unknown or a value invalid
     */
    public static SimOptions parse(String... args) {
        return SimOptionsParser.parse(DEFAULTS, args);
    }

    /** Text listing every flag with its default, for {@code --help}. */
    public static String usage() {
        return SimOptionsParser.usage(DEFAULTS);
    }

    /** The engine these settings describe, in modelled time (the time scale is the caller's). */
    public EngineModel engine() {
        return new EngineModel(prefillOverheadMs, prefillMsPerToken, tpotMs, loadFactorAtMax, maxNumSeqs,
                kvCapacityTokens, proxyOverheadMs);
    }

    /** Whether the replica serves LoRA adapters. */
    public boolean lora() {
        return !loraModules.isEmpty();
    }

    /** Whether {@code /metrics} has a listener of its own. */
    public boolean separateMetricsPort() {
        return metricsPort != SAME_PORT;
    }

    /**
     * A copy with the changes {@code change} makes to a draft of this one, validated as any other:
     * {@code defaults().with(o -> { o.port = 0; o.timeScale = 0.1; })}.
     */
    public SimOptions with(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The fields of a {@link SimOptions}, changed one by one inside {@link #with}. */
    public static final class Draft {
        public String host;
        public int port;
        public int metricsPort;
        public String model;
        public int maxNumSeqs;
        public double timeScale;
        public double prefillOverheadMs;
        public double prefillMsPerToken;
        public double tpotMs;
        public double loadFactorAtMax;
        public double proxyOverheadMs;
        public double proxyCpuMs;
        public int proxyWorkers;
        public long kvCapacityTokens;
        public int prefixCacheBlocks;
        public int meanOutputTokens;
        public int maxOutputTokens;
        public int embeddingDim;
        public double embeddingMsPerItem;
        public long seed;
        public int ioThreads;
        public List<String> loraModules;
        public int maxLoras;
        public double loraLoadMs;
        public boolean gpuMetrics;
        public SchedulingPolicy schedulingPolicy;

        private Draft(SimOptions o) {
            host = o.host;
            port = o.port;
            metricsPort = o.metricsPort;
            model = o.model;
            maxNumSeqs = o.maxNumSeqs;
            timeScale = o.timeScale;
            prefillOverheadMs = o.prefillOverheadMs;
            prefillMsPerToken = o.prefillMsPerToken;
            tpotMs = o.tpotMs;
            loadFactorAtMax = o.loadFactorAtMax;
            proxyOverheadMs = o.proxyOverheadMs;
            proxyCpuMs = o.proxyCpuMs;
            proxyWorkers = o.proxyWorkers;
            kvCapacityTokens = o.kvCapacityTokens;
            prefixCacheBlocks = o.prefixCacheBlocks;
            meanOutputTokens = o.meanOutputTokens;
            maxOutputTokens = o.maxOutputTokens;
            embeddingDim = o.embeddingDim;
            embeddingMsPerItem = o.embeddingMsPerItem;
            seed = o.seed;
            ioThreads = o.ioThreads;
            loraModules = o.loraModules;
            maxLoras = o.maxLoras;
            loraLoadMs = o.loraLoadMs;
            gpuMetrics = o.gpuMetrics;
            schedulingPolicy = o.schedulingPolicy;
        }

        private SimOptions build() {
            return new SimOptions(host, port, metricsPort, model, maxNumSeqs, timeScale, prefillOverheadMs,
                    prefillMsPerToken, tpotMs, loadFactorAtMax, proxyOverheadMs, proxyCpuMs, proxyWorkers,
                    kvCapacityTokens, prefixCacheBlocks, meanOutputTokens, maxOutputTokens, embeddingDim,
                    embeddingMsPerItem, seed, ioThreads, loraModules, maxLoras, loraLoadMs,
                    gpuMetrics, schedulingPolicy);
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
        }
    }

    private static void checkPositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void checkNonNegative(String name, double value) {
        // The negated form also rejects NaN.
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }
}
