package io.qgate.routing;

/** What pickers see beyond their candidates: the router's clock and settings, and any endpoint's load. */
public interface LoadView {

    /** The load state of {@code endpoint} (never null for a known endpoint). */
    EndpointLoad load(Endpoint endpoint);

    /** Requests this gateway has sent to {@code endpoint} and not yet seen finish. */
    default int inflight(Endpoint endpoint) {
        return load(endpoint).inflight();
    }

    long nowNanos();

    RoutingSettings settings();

    /** The estimated engine load of {@code endpoint} now, per the settings. */
    default double estimatedLoad(Endpoint endpoint) {
        return load(endpoint).estimatedLoad(nowNanos(), settings().staleAfter().toNanos(),
                settings().queueCorrection());
    }
}
