package io.qgate.routing;

/** What the router knows of the load on each endpoint, for pickers that weigh it. */
public interface LoadView {

    /** Requests this gateway has sent to {@code endpoint} and not yet seen finish. */
    int inflight(Endpoint endpoint);
}
