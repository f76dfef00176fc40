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

    /** A short description for the start-up log line, e.g. {@code static [127.0.0.1:8001]}. */
    String describe();

    @Override
    void close();
}
