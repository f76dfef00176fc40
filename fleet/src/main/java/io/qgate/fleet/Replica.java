package io.qgate.fleet;

import io.qgate.routing.Endpoint;

/**
 * One LiteLLM + vLLM pod: its lifecycle (loading the model, ready, terminating, gone), its engine
 * and what the CPU model and the oracle need to know about it.
 */
final class Replica {

    enum State { STARTING, READY, TERMINATING, GONE }

    final int id;
    final VirtualEngine engine;
    final long createdNanos;
    State state = State.STARTING;
    long readyNanos = -1;
    long terminatingNanos = -1;

    /** Requests sent here that are still in the LiteLLM hop in: the oracle counts them, the engine cannot yet. */
    int inHop;
    /** Requests sent here, ever (LiteLLM's share of the CPU that goes with accepting them). */
    long accepted;

    private final String host;

    Replica(int id, VirtualEngine engine, long createdNanos) {
        this.id = id;
        this.engine = engine;
        this.createdNanos = createdNanos;
        // 10.0.0.0/8 holds sixteen million pods; the address only has to be unique.
        this.host = "10." + (id >>> 16 & 0xff) + "." + (id >>> 8 & 0xff) + "." + (id & 0xff);
    }

    /** The endpoint discovery reports for this pod now. */
    Endpoint endpoint() {
        return new Endpoint(host, 4000, state == State.READY, state == State.TERMINATING);
    }

    String authority() {
        return host + ":4000";
    }

    /** Requests in the pod as the oracle sees them: in the engine or on their way into it. */
    int trueLoad() {
        return engine.waiting() + engine.running() + inHop;
    }

    boolean accepting() {
        return state == State.READY;
    }
}
