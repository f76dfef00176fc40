package io.qgate.bench.sim;

import java.util.concurrent.Future;

/** One sequence in the engine; its mutable state is touched on the engine thread only. */
final class Sequence {

    enum State { NEW, WAITING, PREFILL, DECODE, DONE }

    final Prompt prompt;
    /** Tokens to generate; 0 for an embedding, which ends after its prefill. */
    final int outputTokens;
    /** Why the sequence ends once it has produced {@link #outputTokens}. */
    final FinishReason endReason;
    final SequenceListener listener;
    /** Inputs of the embeddings request this sequence belongs to; 1 for a generation. */
    final int requestItems;
    /** The LoRA adapter the sequence runs with, or {@code null} for the base model. */
    final String adapter;
    /** The request's {@code priority}: lower starts first under {@link SchedulingPolicy#PRIORITY}. */
    final int priority;

    State state = State.NEW;
    int generated;
    long arrivalNanos;
    /** When this sequence's last token came out (0: none yet): the inter-token latency's start. */
    long lastTokenNanos;
    /** When the engine last admitted it, in admission order: the latest is preempted first. */
    long admission;
    Future<?> prefillTimer;
    /** Set by an abort that arrives before the sequence reached the engine thread. */
    boolean abortRequested;

    Sequence(Prompt prompt, int outputTokens, FinishReason endReason, SequenceListener listener) {
        this(prompt, outputTokens, endReason, listener, 1, null, 0);
    }

    Sequence(Prompt prompt, int outputTokens, FinishReason endReason, SequenceListener listener, int requestItems,
             String adapter, int priority) {
        if (outputTokens < 0) {
            throw new IllegalArgumentException("outputTokens: " + outputTokens + " (expected: >= 0)");
        }
        if (requestItems <= 0) {
            throw new IllegalArgumentException("requestItems: " + requestItems + " (expected: > 0)");
        }
        this.prompt = prompt;
        this.outputTokens = outputTokens;
        this.endReason = endReason;
        this.listener = listener;
        this.requestItems = requestItems;
        this.adapter = adapter;
        this.priority = priority;
    }

    boolean embedding() {
        return outputTokens == 0;
    }

    /** Whether this sequence goes before {@code other} under {@link SchedulingPolicy#PRIORITY}. */
    boolean moreUrgentThan(Sequence other) {
        return priority != other.priority ? priority < other.priority : arrivalNanos < other.arrivalNanos;
    }

    /** Tokens of this sequence in the KV cache. */
    long kvTokens() {
        return (long) prompt.tokens() + generated;
    }

    /** Prompt tokens found in the prefix cache at its admission, whose blocks it shares. */
    int sharedTokens;

    /** What the sequence holds in the KV cache of its own, beyond the cached blocks it shares. */
    long kvHeld() {
        return kvTokens() - sharedTokens;
    }
}
