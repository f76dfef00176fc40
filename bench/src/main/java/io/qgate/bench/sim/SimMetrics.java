package io.qgate.bench.sim;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters and histograms, rendered as vLLM V1's {@code /metrics}.
 *
 * <p>Counters are written from the engine thread (or from I/O threads when the time scale is 0)
 * and read by whichever thread serves a scrape, hence the adders.
 */
final class SimMetrics {

    /** vLLM's own bucket bounds for these two histograms. */
    private static final double[] TTFT_BUCKETS = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
        20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
    };
    private static final double[] E2E_BUCKETS = {
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0,
        240.0, 480.0, 960.0, 1920.0, 7680.0,
    };
    private static final double[] INTER_TOKEN_BUCKETS = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
    };

    /** What the gauges read at scrape time. */
    interface Gauges {
        int running();

        int waiting();

        double kvCacheUsage();

        /** Nanoseconds so far during which at least one sequence ran (the GPU was busy). */
        long busyNanos(long now);
    }

    private final String engineLabel = "engine=\"0\"";
    private final String modelLabel;
    private final String labels;
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final LongAdder prefixQueries = new LongAdder();
    private final LongAdder prefixHits = new LongAdder();
    private final Map<FinishReason, LongAdder> success = new EnumMap<>(FinishReason.class);
    private final PromHistogram ttft = new PromHistogram(TTFT_BUCKETS);
    private final PromHistogram e2e = new PromHistogram(E2E_BUCKETS);
    private final PromHistogram interToken = new PromHistogram(INTER_TOKEN_BUCKETS);
    /** The DCGM-style GPU series, or {@code null} when not asked for. */
    private final GpuGauges gpu;
    /** The LoRA info gauge, or {@code null} when the replica serves no adapter. */
    private final LoraInfoGauge loraInfo;
    private final LongAdder loraLoads = new LongAdder();
    private final LongAdder preemptions = new LongAdder();

    SimMetrics(String model) {
        this(model, null, null);
    }

    /**
     * {@code lora}: the engine's adapter slots, whose state the metrics report ({@code null}: no
     * adapters); {@code gpu}: the GPU series to add ({@code null}: none).
     */
    SimMetrics(String model, LoraState lora, GpuGauges gpu) {
        this.gpu = gpu;
        this.modelLabel = "model_name=\"" + PromText.escape(model) + "\"";
        this.labels = "{" + engineLabel + "," + modelLabel + "}";
        for (FinishReason reason : FinishReason.values()) {
            success.put(reason, new LongAdder());
        }
        loraInfo = lora != null ? new LoraInfoGauge(engineLabel, lora) : null;
    }

    void loraLoaded() {
        loraLoads.increment();
    }

    long loraLoads() {
        return loraLoads.sum();
    }

    void preempted() {
        preemptions.increment();
    }

    long preemptions() {
        return preemptions.sum();
    }

    void prefixLookup(int queriedTokens, int hitTokens) {
        prefixQueries.add(queriedTokens);
        prefixHits.add(hitTokens);
    }

    void firstToken(double seconds) {
        ttft.observe(seconds);
    }

    void interToken(double seconds) {
        interToken.observe(seconds);
    }

    void finished(FinishReason reason, int prompt, int generated, double e2eSeconds) {
        success.get(reason).increment();
        promptTokens.add(prompt);
        generationTokens.add(generated);
        e2e.observe(e2eSeconds);
    }

    long prefixQueries() {
        return prefixQueries.sum();
    }

    long prefixHits() {
        return prefixHits.sum();
    }

    long successes(FinishReason reason) {
        return success.get(reason).sum();
    }

    long generationTokens() {
        return generationTokens.sum();
    }

    long firstTokens() {
        return ttft.count();
    }

    String render(Gauges gauges) {
        StringBuilder out = new StringBuilder(8192);
        int waiting = gauges.waiting();
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.",
                gauges.running());
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", waiting);
        // A separate series on purpose: consumers must not confuse it with the one above.
        PromText.help(out, "vllm:num_requests_waiting_by_reason", "gauge", "Number of requests waiting, by reason.");
        out.append("vllm:num_requests_waiting_by_reason{").append(engineLabel).append(',').append(modelLabel)
                .append(",reason=\"capacity\"} ").append(PromText.number(waiting)).append('\n');
        out.append("vllm:num_requests_waiting_by_reason{").append(engineLabel).append(',').append(modelLabel)
                .append(",reason=\"deferred\"} 0.0\n");
        if (loraInfo != null) {
            loraInfo.render(out);
            // Not a vLLM series: the bench's count of adapter loads, which vLLM does not export.
            counter(out, "vllm:lora_adapter_loads_total",
                    "LoRA adapters loaded into a slot (qgate simulator only, not a vLLM metric).", loraLoads.sum());
        }
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", gauges.kvCacheUsage());
        counter(out, "vllm:prefix_cache_queries_total",
                "Prefix cache queries, in terms of number of queried tokens.", prefixQueries.sum());
        counter(out, "vllm:prefix_cache_hits_total",
                "Prefix cache hits, in terms of number of cached tokens.", prefixHits.sum());
        counter(out, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.",
                preemptions.sum());
        counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", promptTokens.sum());
        counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.",
                generationTokens.sum());
        PromText.help(out, "vllm:request_success_total", "counter", "Count of successfully processed requests.");
        for (Map.Entry<FinishReason, LongAdder> e : success.entrySet()) {
            out.append("vllm:request_success_total{").append(engineLabel).append(",finished_reason=\"")
                    .append(e.getKey().label()).append("\",").append(modelLabel).append("} ")
                    .append(PromText.number(e.getValue().sum())).append('\n');
        }
        PromText.help(out, "vllm:time_to_first_token_seconds", "histogram",
                "Histogram of time to first token in seconds.");
        ttft.render(out, "vllm:time_to_first_token_seconds", engineLabel, modelLabel);
        PromText.help(out, "vllm:e2e_request_latency_seconds", "histogram",
                "Histogram of e2e request latency in seconds.");
        e2e.render(out, "vllm:e2e_request_latency_seconds", engineLabel, modelLabel);
        PromText.help(out, "vllm:inter_token_latency_seconds", "histogram",
                "Histogram of inter-token latency in seconds.");
        interToken.render(out, "vllm:inter_token_latency_seconds", engineLabel, modelLabel);
        // Always 0: this engine reserves no decode room and never preempts (see Engine); the series
        // is here because dashboards read it.
        counter(out, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", 0);
        if (gpu != null) {
            gpu.render(out, gauges.busyNanos(System.nanoTime()));
        }
        return out.toString();
    }

    private void gauge(StringBuilder out, String name, String help, double value) {
        PromText.help(out, name, "gauge", help);
        out.append(name).append(labels).append(' ').append(PromText.number(value)).append('\n');
    }

    private void counter(StringBuilder out, String name, String help, double value) {
        PromText.help(out, name, "counter", help);
        out.append(name).append(labels).append(' ').append(PromText.number(value)).append('\n');
    }
}
