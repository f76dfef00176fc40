package io.qgate.routing.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The engine's own cumulative counts of the work it did and the time it took, as one scrape read
 * them, summed over its data-parallel engines: from two scrapes, the engine's speed over the
 * interval between them. {@code NaN} where the scrape held no such series.
 *
 * @param promptTokens       prompt tokens of the requests it prefilled
 * @param cachedPromptTokens of those, the tokens found in its prefix cache (no compute)
 * @param prefillSeconds     the sum of the prefill histogram: seconds from a request's scheduling
 *                           to its first token, or, from engines without that histogram, from its
 *                           arrival (time to first token, its wait in the queue included)
 * @param prefills           that histogram's count
 * @param interTokenSeconds  the sum of the inter-token latency histogram
 * @param interTokens        its count
 */
public record EngineCounters(double promptTokens, double cachedPromptTokens, double prefillSeconds, double prefills,
                             double interTokenSeconds, double interTokens) {

    /** A scrape that held none of the counters. */
    public static final EngineCounters NONE = new EngineCounters(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN);

    /**
     * The names of the counters an engine type exports.
     *
     * @param promptTokens         the counter of prompt tokens, or empty
     * @param cachedPromptTokens   the counter of prompt tokens found in the prefix cache, or empty
     * @param prefillHistograms    histograms of the time to a request's first token, by preference:
     *                             a scrape reads {@code _sum} and {@code _count} of the first it holds
     * @param interTokenHistograms histograms of the time between two output tokens, likewise
     */
    public record Names(String promptTokens, String cachedPromptTokens, List<String> prefillHistograms,
                        List<String> interTokenHistograms) {

        /** An engine whose counters are not read. */
        public static final Names NONE = new Names("", "", List.of(), List.of());

        /**
         * vLLM's: {@code request_prefill_time_seconds} (V1) before {@code time_to_first_token_seconds};
         * {@code inter_token_latency_seconds} (V1) before the older {@code time_per_output_token_seconds}.
         * {@code prefix_cache_hits_total} counts tokens.
         */
        public static final Names VLLM = new Names("vllm:prompt_tokens_total", "vllm:prefix_cache_hits_total",
                List.of("vllm:request_prefill_time_seconds", "vllm:time_to_first_token_seconds"),
                List.of("vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"));

        public Names {
            requireNonNull(promptTokens, "promptTokens");
            requireNonNull(cachedPromptTokens, "cachedPromptTokens");
            prefillHistograms = List.copyOf(prefillHistograms);
            interTokenHistograms = List.copyOf(interTokenHistograms);
        }
    }
}
