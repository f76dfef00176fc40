package io.qgate.routing;

/** The three replicas the routing tests route among, sorted as a snapshot sorts them, and the default staleness. */
final class Replicas {

    static final Endpoint A = Endpoint.of("10.0.0.1", 4000);
    static final Endpoint B = Endpoint.of("10.0.0.2", 4000);
    static final Endpoint C = Endpoint.of("10.0.0.3", 4000);

    /** The default staleness limit, as a router hands it to a decision. */
    static final long STALE_AFTER = RoutingSettings.defaults().staleAfter().toNanos();

    private Replicas() {
    }
}
