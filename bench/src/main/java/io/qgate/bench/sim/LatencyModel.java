package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.EngineModel;

/**
 * How long the live simulator's engine takes for each kind of work, already multiplied by the
 * time scale: the fleet's {@link EngineModel} (the one model of the engine, which the virtual-time
 * simulation runs too) on a wall clock, plus the embeddings that only the live simulator serves.
 *
 * @param embeddingMsPerItem engine time each input adds to its embeddings request
 */
record LatencyModel(double timeScale, EngineModel engine, double embeddingMsPerItem) {

    /**
     * Embedding models are small encoders that skip sampling, so their fixed cost is a tenth of
     * a generation prefill's.
     */
    private static final double EMBEDDING_OVERHEAD_SHARE = 0.1;

    LatencyModel {
        requireNonNull(engine, "engine");
    }

    static LatencyModel of(SimOptions o) {
        return new LatencyModel(o.timeScale(), o.engine(), o.embeddingMsPerItem());
    }

    boolean instant() {
        return timeScale == 0.0;
    }

    long prefillNanos(int uncachedTokens) {
        return nanos(engine.prefillMs(uncachedTokens));
    }

    /** The engine time of a prefill, which the prefills admitted after it wait for ({@link EngineModel}). */
    long prefillComputeNanos(int uncachedTokens) {
        return nanos(engine.prefillMsPerToken() * uncachedTokens);
    }

    /**
     * The prefill of one input of {@code tokens} tokens in an embeddings request of
     * {@code requestItems} inputs: the encoder's fixed cost, the input's own tokens, and
     * {@code embeddingMsPerItem} for every input of the request, since the request's inputs are
     * encoded as one batch that each of them waits for. A request of 32 inputs thus takes longer
     * than one of a single input, but by far less than the proxy work of 31 more requests.
     */
    long embeddingNanos(int tokens, int requestItems) {
        return nanos(engine.prefillOverheadMs() * EMBEDDING_OVERHEAD_SHARE + engine.prefillMsPerToken() * tokens
                + embeddingMsPerItem * requestItems);
    }

    long stepNanos(int running) {
        return nanos(engine.stepMs(running));
    }

    long nanos(double ms) {
        return EngineModel.nanos(ms, timeScale);
    }
}
