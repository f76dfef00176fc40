package io.qgate.routing.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The metric names under which one type of inference engine reports its load.
 *
 * @param engine              a short name of the engine type, as in configuration
 * @param waitingMetric       the gauge of requests queued and not yet scheduled
 * @param runningMetric       the gauge of requests in the running batch
 * @param kvCacheUsageMetrics gauges of KV-cache use (0..1), in order of preference: a scrape uses
 *                            the first one it contains, so older engine versions can be listed
 *                            after the current one
 * @param loraInfoMetric      the info gauge of the LoRA adapters in use ({@link LoraAdapters}), or
 *                            empty when the engine has none
 * @param counterNames        the counters that give the engine's speed ({@link EngineCounters})
 */
public record EngineProfile(String engine, String waitingMetric, String runningMetric,
                            List<String> kvCacheUsageMetrics, String loraInfoMetric,
                            EngineCounters.Names counterNames) {

    /** vLLM; engines before the V1 rework called the KV-cache gauge {@code gpu_cache_usage_perc}. */
    public static final EngineProfile VLLM = new EngineProfile("vllm",
            "vllm:num_requests_waiting", "vllm:num_requests_running",
            List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"), "vllm:lora_requests_info",
            EngineCounters.Names.VLLM);

    /** SGLang; {@code token_usage} is the share of the KV-cache token pool in use. */
    public static final EngineProfile SGLANG = new EngineProfile("sglang",
            "sglang:num_queue_reqs", "sglang:num_running_reqs", List.of("sglang:token_usage"), "");

    public EngineProfile {
        requireNonNull(engine, "engine");
        checkName("waitingMetric", waitingMetric);
        checkName("runningMetric", runningMetric);
        requireNonNull(kvCacheUsageMetrics, "kvCacheUsageMetrics");
        if (kvCacheUsageMetrics.isEmpty()) {
            throw new IllegalArgumentException("kvCacheUsageMetrics: [] (expected: at least one name)");
        }
        kvCacheUsageMetrics = List.copyOf(kvCacheUsageMetrics);
        for (String name : kvCacheUsageMetrics) {
            checkName("kvCacheUsageMetrics", name);
        }
        requireNonNull(loraInfoMetric, "loraInfoMetric");
        if (!loraInfoMetric.isEmpty()) {
            checkName("loraInfoMetric", loraInfoMetric);
        }
        requireNonNull(counterNames, "counterNames");
        // A line is counted under the first name it matches, so a repeated name would silently
        // feed only one of the readings.
        Set<String> seen = new HashSet<>();
        seen.add(waitingMetric);
        if (!seen.add(runningMetric) || !kvCacheUsageMetrics.stream().allMatch(seen::add)
                || !loraInfoMetric.isEmpty() && !seen.add(loraInfoMetric)) {
            throw new IllegalArgumentException("metric names: " + waitingMetric + ", " + runningMetric
                    + ", " + kvCacheUsageMetrics + ", " + loraInfoMetric + " (expected: all different)");
        }
    }

    /** A profile whose counters are not read. */
    public EngineProfile(String engine, String waitingMetric, String runningMetric, List<String> kvCacheUsageMetrics,
                         String loraInfoMetric) {
        this(engine, waitingMetric, runningMetric, kvCacheUsageMetrics, loraInfoMetric, EngineCounters.Names.NONE);
    }

    /** A profile without LoRA. */
    public EngineProfile(String engine, String waitingMetric, String runningMetric, List<String> kvCacheUsageMetrics) {
        this(engine, waitingMetric, runningMetric, kvCacheUsageMetrics, "");
    }

    /** The profile of an engine type by its name: {@code vllm} or {@code sglang}, in any case. */
    public static EngineProfile of(String engine) {
        requireNonNull(engine, "engine");
        return switch (engine.trim().toLowerCase(Locale.ROOT)) {
            case "vllm" -> VLLM;
            case "sglang" -> SGLANG;
            default -> throw new IllegalArgumentException("engine: " + engine + " (expected: vllm or sglang)");
        };
    }

    private static void checkName(String what, String name) {
        requireNonNull(name, what);
        boolean valid = !name.isEmpty();
        for (int i = 0; valid && i < name.length(); i++) {
            char c = name.charAt(i);
            valid = c < 128 && (i == 0 ? PromSyntax.isNameStart((byte) c) : PromSyntax.isNameChar((byte) c));
        }
        if (!valid) {
            throw new IllegalArgumentException(what + ": " + name
                    + " (expected: a Prometheus metric name, [a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
    }
}
