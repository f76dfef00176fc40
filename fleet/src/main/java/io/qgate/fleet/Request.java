package io.qgate.fleet;

import io.qgate.routing.Router;

/**
 * One client request on its way through the simulated fleet: the gateway that took it, the
 * replica it went to, and when its first token reached the client. Mutable, touched by the
 * simulation's single thread only.
 */
final class Request {

    /** {@link #firstTokenNanos} of a request that never got a first token. */
    static final long NEVER = Long.MAX_VALUE;

    final long id;
    final long arrivalNanos;
    final int promptTokens;
    final int outputTokens;

    /** The gateway's dispatch, finished when the answer's last chunk reaches the client; null for the oracle. */
    Router.Dispatch dispatch;
    Replica replica;
    /** The gateway that took the request, or null for the oracle. */
    Gateway gateway;
    long firstTokenNanos = NEVER;
    boolean failed;
    /** The gateway held it for a replica to wake: it is sent on, or refused, from there later. */
    boolean heldAtGateway;
    /** It arrived while its gateway knew no ready replica (not merely behind requests that did). */
    boolean arrivedAtZero;

    /** The LoRA adapter the request names as its model, or null for the base model. */
    String adapter;

    /** The engine's decode step at which the last token comes out. */
    long finishStep;

    /**
     * The chained hashes of the prompt's whole blocks ({@link PrefixCache}), or null when the
     * workload's prompts share nothing: then no cache is looked up.
     */
    long[] blocks;
    /** The shared context the prompt starts with (a tenant's), or -1 when it shares none. */
    int prefixId = -1;
    /** The {@code max_tokens} the client sent, or 0 when it sent none. */
    int maxTokens;
    /** Output tokens produced so far, kept across a preemption. */
    int generated;
    /** When the engine last admitted it, in admission order: the latest is preempted first. */
    long admission;
    /** When the engine first admitted it: its prefill time runs from here to its first token. */
    long admittedNanos;
    /** Prompt tokens found in the prefix cache at its admission, whose blocks it shares. */
    int sharedTokens;

    Request(long id, long arrivalNanos, int promptTokens, int outputTokens) {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("promptTokens: " + promptTokens + " (expected: > 0)");
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("outputTokens: " + outputTokens + " (expected: > 0)");
        }
        this.id = id;
        this.arrivalNanos = arrivalNanos;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
    }

    /** Time to first token as the client sees it, or {@link #NEVER}. */
    long ttftNanos() {
        return firstTokenNanos == NEVER ? NEVER : firstTokenNanos - arrivalNanos;
    }
}
