package io.qgate.bench.sim;

/** What a sequence tells its requester; called on the engine thread, so implementations hand off. */
interface SequenceListener {

    /** Token {@code index} (0-based) of the sequence's {@link Generation} has been produced. */
    void onToken(int index);

    /** The sequence left the engine; no call follows. Not called for an abort the requester asked for. */
    void onFinish(FinishReason reason);
}
