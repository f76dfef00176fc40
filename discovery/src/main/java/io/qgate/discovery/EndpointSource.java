package io.qgate.discovery;

import io.qgate.routing.EndpointSnapshot;

import java.util.function.Consumer;

/**
 * Where the gateway learns which replicas exist. A source calls its listener with a whole new
 * snapshot on every change (never with a no-op update), from any thread.
 */
public interface EndpointSource extends AutoCloseable {

    /** Starts delivering snapshots to {@code listener}; the first may arrive before this returns. */
    void start(Consumer<EndpointSnapshot> listener);

    /** Whether the source has delivered its first complete view (readiness waits for it). */
    boolean synced();

    /**
     * Whether the source follows changes right now. False while the Kubernetes API server cannot
     * be reached: the last view stays in use (routing goes on) but may be out of date.
     */
    default boolean watching() {
        return synced();
    }

    /**
     * Nanoseconds since the source last heard of a change (or, before its first, since it
     * started); 0 for a source that never changes.
     */
    default long lastEventAgeNanos() {
        return 0;
    }

    /** A short description for the start-up log line, e.g. {@code static [127.0.0.1:8001]}. */
    String describe();

    @Override
    void close();
}
