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

    /** What the gauges read at scrape time. */
    interface Gauges {
        int running();

        int waiting();

        double kvCacheUsage();
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
    /** The LoRA info gauge, or {@code null} when the replica serves no adapter. */
    private final LoraInfoGauge loraInfo;
    private final LongAdder loraLoads = new LongAdder();
    private final LongAdder preemptions = new LongAdder();

    SimMetrics(String model) {
        this(model, null);
    }

    /** {@code lora}: the engine's adapter slots, whose state the metrics report ({@code null}: no adapters). */
    SimMetrics(String model, LoraState lora) {
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
