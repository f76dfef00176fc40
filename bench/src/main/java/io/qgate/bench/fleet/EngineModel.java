package io.qgate.bench.fleet;

import io.qgate.bench.sim.SimOptions;

/**
 * The timing of one vLLM replica in virtual time: the live simulator's engine model
 * ({@code io.qgate.bench.sim.LatencyModel} and {@code Engine}) with its parameters taken from
 * {@link SimOptions}, at time scale 1.
 *
 * <p>A prefill costs a fixed overhead plus a cost per prompt token; a decode step of the whole
 * running batch costs {@code tpot × loadFactor(running)}, rising linearly from 1 for one sequence
 * to {@code loadFactorAtMax} for a full batch; each LiteLLM hop (request in, every answer chunk
 * out) adds {@code proxyOverheadMs}. The formulas are the simulator's, rounded to the nanosecond
 * the same way, so that the two agree exactly (a test compares them).
 *
 * @param prefillOverheadMs fixed cost of a prefill
 * @param prefillMsPerToken cost per uncached prompt token (the fleet simulation caches nothing)
 * @param tpotMs            time per output token of a lone sequence
 * @param loadFactorAtMax   how much slower a step of a full batch is than one of a lone sequence
 * @param maxNumSeqs        sequences the engine runs at once
 * @param kvCapacityTokens  tokens the KV cache holds
 * @param proxyOverheadMs   the LiteLLM hop, each way
 */
public record EngineModel(double prefillOverheadMs, double prefillMsPerToken, double tpotMs, double loadFactorAtMax,
                          int maxNumSeqs, long kvCapacityTokens, double proxyOverheadMs) {

    private static final double NANOS_PER_MS = 1_000_000.0;

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

    /** The simulator's replica with the given settings (its time scale is ignored: virtual time is modelled time). */
    public static EngineModel of(SimOptions options) {
        return new EngineModel(options.prefillOverheadMs(), options.prefillMsPerToken(), options.tpotMs(),
                options.loadFactorAtMax(), options.maxNumSeqs(), options.kvCapacityTokens(),
                options.proxyOverheadMs());
    }

    /** The simulator's default replica: roughly an 8B model on one H100. */
    public static EngineModel defaults() {
        return of(SimOptions.defaults());
    }

    public EngineModel withMaxNumSeqs(int newMaxNumSeqs) {
        return new EngineModel(prefillOverheadMs, prefillMsPerToken, tpotMs, loadFactorAtMax, newMaxNumSeqs,
                kvCapacityTokens, proxyOverheadMs);
    }

    public long prefillNanos(int uncachedTokens) {
        return nanos(prefillOverheadMs + prefillMsPerToken * uncachedTokens);
    }

    public long stepNanos(int running) {
        return nanos(tpotMs * loadFactor(running));
    }

    public long proxyNanos() {
        return nanos(proxyOverheadMs);
    }

    double loadFactor(int running) {
        if (maxNumSeqs <= 1) {
            return 1.0;
        }
        int clamped = Math.max(1, Math.min(maxNumSeqs, running));
        return 1.0 + (loadFactorAtMax - 1.0) * (clamped - 1) / (maxNumSeqs - 1);
    }

    private static long nanos(double ms) {
        return Math.round(ms * NANOS_PER_MS);
    }
}
