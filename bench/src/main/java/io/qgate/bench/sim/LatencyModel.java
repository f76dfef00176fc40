package io.qgate.bench.sim;

/**
 * How long the modelled engine takes for each kind of work, already multiplied by the time scale.
 *
 * <p>A decode step of a batch costs {@code tpot × loadFactor(running)}: one sequence alone
 * decodes at {@code tpot}, a full batch ({@code maxNumSeqs}) at {@code tpot × loadFactorAtMax},
 * linearly in between, which is roughly how a memory-bound decode slows as the batch grows.
 */
record LatencyModel(double timeScale, double prefillOverheadMs, double prefillMsPerToken, double tpotMs,
                    double loadFactorAtMax, int maxNumSeqs, double embeddingMsPerItem) {

    private static final double NANOS_PER_MS = 1_000_000.0;

    /**
     * Embedding models are small encoders that skip sampling, so their fixed cost is a tenth of
     * a generation prefill's.
     */
    private static final double EMBEDDING_OVERHEAD_SHARE = 0.1;

    static LatencyModel of(SimOptions o) {
        return new LatencyModel(o.timeScale(), o.prefillOverheadMs(), o.prefillMsPerToken(), o.tpotMs(),
                o.loadFactorAtMax(), o.maxNumSeqs(), o.embeddingMsPerItem());
    }

    boolean instant() {
        return timeScale == 0.0;
    }

    long prefillNanos(int uncachedTokens) {
        return nanos(prefillOverheadMs + prefillMsPerToken * uncachedTokens);
    }

    /**
     * The prefill of one input of {@code tokens} tokens in an embeddings request of
     * {@code requestItems} inputs: the encoder's fixed cost, the input's own tokens, and
     * {@code embeddingMsPerItem} for every input of the request, since the request's inputs are
     * encoded as one batch that each of them waits for. A request of 32 inputs thus takes longer
     * than one of a single input, but by far less than the proxy work of 31 more requests.
     */
    long embeddingNanos(int tokens, int requestItems) {
        return nanos(prefillOverheadMs * EMBEDDING_OVERHEAD_SHARE + prefillMsPerToken * tokens
                + embeddingMsPerItem * requestItems);
    }

    long stepNanos(int running) {
        return nanos(tpotMs * loadFactor(running));
    }

    double loadFactor(int running) {
        if (maxNumSeqs <= 1) {
            return 1.0;
        }
        int clamped = Math.max(1, Math.min(maxNumSeqs, running));
        return 1.0 + (loadFactorAtMax - 1.0) * (clamped - 1) / (maxNumSeqs - 1);
    }

    long nanos(double ms) {
        return Math.round(ms * timeScale * NANOS_PER_MS);
    }
}
