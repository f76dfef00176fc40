package io.qgate.gateway.proxy;

/**
 * Where a {@link ClientRequest} stands; each stage replaces the one before.
 *
 * <pre>
 * ClientRequest ─┬─ LocalAnswer                 (the gateway answers itself)
 *                └─ [AdmissionWait] ─┬─ Relay    (one replica, relayed as bytes)
 *                                    └─ BatchWait ─┬─ answered from a BatchCall
 *                                                  └─ Relay (alone, or the batch failed)
 * </pre>
 *
 * <p>The request owns what every stage shares (keep-alive, accounting, release, completion);
 * a stage gives up only what it holds itself.
 */
sealed interface Stage permits LocalAnswer, AdmissionWait, BatchWait, Relay {

    /** The client left before the answer was under way: give up what this stage holds. */
    void clientClosed();

    /** The client connection can take more bytes again. */
    default void clientWritable() {
    }

    /** The request is over (answered, or its client left); called once, from the request. */
    default void ended() {
    }
}
