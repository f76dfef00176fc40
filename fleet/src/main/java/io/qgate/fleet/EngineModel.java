package io.qgate.fleet;

/**
 * One vLLM replica's engine: how long its work takes and how many sequences it admits. The one
 * model of the engine, driven by both simulators: the live simulator's engine (bench's
 * {@code sim}, wall-clock timers, a time scale, tokens streamed one by one) and the fleet's
 * {@link VirtualEngine} (virtual time, tokens counted).
 *
 * <p>A prefill costs a fixed overhead plus a cost per uncached prompt token, so it rises with the
 * prompt's length. The per-token part is the engine's compute: prefills take it one after
 * another ({@link #prefillComputeNanos}), so a long prompt admitted behind another long prompt
 * waits for it, and a cached prefix is engine time saved for everyone, as in vLLM, whose steps
 * share one token budget. The fixed part (scheduling, sampling, the API server) delays only the
 * request's own first token. Decode steps are not slowed by prefills in this model. A decode step
 * of the whole running batch costs {@code tpot × loadFactor(running)}, rising linearly from 1 for
 * one sequence to {@code loadFactorAtMax} for a full batch, which is roughly how a memory-bound
 * decode slows as the batch grows; each LiteLLM hop (request in, every answer chunk out) adds
 * {@code proxyOverheadMs}. Admission is strict first-come first-served: the head of the queue
 * starts only while fewer than {@code maxNumSeqs} run and the KV cache has room for its prompt.
 * Admission reserves the prompt only; when decoding fills the cache past its capacity the engine
 * preempts ({@link #preempts}), as vLLM's scheduler does: the most recently admitted decoding
 * sequence gives its blocks back and waits at the head of the queue, to be prefilled again (its
 * prompt and the tokens it had generated) when room returns.
 *
 * @param prefillOverheadMs fixed delay of a prefill's first token, not engine time
 * @param prefillMsPerToken engine time per uncached prompt token
 * @param tpotMs            time per output token of a lone sequence
 * @param loadFactorAtMax   how much slower a step of a full batch is than one of a lone sequence
 * @param maxNumSeqs        sequences the engine runs at once
 * @param kvCapacityTokens  tokens the KV cache holds
 * @param proxyOverheadMs   the LiteLLM hop, each way
 */
public record EngineModel(double prefillOverheadMs, double prefillMsPerToken, double tpotMs, double loadFactorAtMax,
                          int maxNumSeqs, long kvCapacityTokens, double proxyOverheadMs) {

    private static final double NANOS_PER_MS = 1_000_000.0;

    /** Roughly an 8B model on one H100: 65-110 ms to the first token at light load, 7.5-15 ms per output token. */
    private static final EngineModel DEFAULTS = new EngineModel(60.0, 0.04, 7.5, 2.0, 256, 200_000, 3.0);

    public EngineModel {
        if (maxNumSeqs <= 0) {
            throw new IllegalArgumentException("maxNumSeqs: " + maxNumSeqs + " (expected: > 0)");
        }
        if (kvCapacityTokens <= 0) {
            throw new IllegalArgumentException("kvCapacityTokens: " + kvCapacityTokens + " (expected: > 0)");
        }
        if (!(loadFactorAtMax >= 1.0)) {
            throw new IllegalArgumentException("loadFactorAtMax: " + loadFactorAtMax + " (expected: >= 1)");
        }
    }

    /** The simulator's default replica. */
    public static EngineModel defaults() {
        return DEFAULTS;
    }

    public EngineModel withMaxNumSeqs(int newMaxNumSeqs) {
        return new EngineModel(prefillOverheadMs, prefillMsPerToken, tpotMs, loadFactorAtMax, newMaxNumSeqs,
                kvCapacityTokens, proxyOverheadMs);
    }

    /**
     * Whether the head of the queue, of {@code promptTokens}, starts now. An empty engine always
     * takes it, so a prompt larger than the cache cannot wedge the engine; otherwise a head that
     * does not fit holds back everything behind it, as in vLLM.
     */
    public boolean admits(int running, long kvUsedTokens, int promptTokens) {
        return running < maxNumSeqs && (running == 0 || kvUsedTokens + promptTokens <= kvCapacityTokens);
    }

    /** vLLM's {@code kv_cache_usage_perc}, in [0,1]: decoding can fill the cache past its capacity. */
    public double kvCacheUsage(long kvUsedTokens) {
        return Math.min(1.0, (double) kvUsedTokens / kvCapacityTokens);
    }

    public double prefillMs(int uncachedTokens) {
        return prefillOverheadMs + prefillMsPerToken * uncachedTokens;
    }

    /** The engine time a prefill of {@code uncachedTokens} takes from the prefills behind it. */
    public long prefillComputeNanos(int uncachedTokens) {
        return nanos(prefillMsPerToken * uncachedTokens, 1.0);
    }

    /**
     * Whether decoding has filled the cache past its capacity, so that the engine must preempt a
     * sequence; a lone sequence is never preempted (it would only come back to the same cache).
     */
    public boolean preempts(int running, long kvUsedTokens) {
        return running > 1 && kvUsedTokens > kvCapacityTokens;
    }

    public double stepMs(int running) {
        return tpotMs * loadFactor(running);
    }

    public double loadFactor(int running) {
        if (maxNumSeqs <= 1) {
            return 1.0;
        }
        int clamped = Math.max(1, Math.min(maxNumSeqs, running));
        return 1.0 + (loadFactorAtMax - 1.0) * (clamped - 1) / (maxNumSeqs - 1);
    }

    /** A prefill in virtual time (modelled time, time scale 1). */
    public long prefillNanos(int uncachedTokens) {
        return nanos(prefillMs(uncachedTokens), 1.0);
    }

    public long stepNanos(int running) {
        return nanos(stepMs(running), 1.0);
    }

    public long proxyNanos() {
        return nanos(proxyOverheadMs, 1.0);
    }

    /**
     * Modelled milliseconds in nanoseconds, multiplied by the time scale (the live simulator's
     * durations shrink with it; virtual time is modelled time, scale 1) and rounded once, so that
     * the two simulators at time scale 1 agree to the nanosecond.
     */
    public static long nanos(double ms, double timeScale) {
        return Math.round(ms * timeScale * NANOS_PER_MS);
    }
}
