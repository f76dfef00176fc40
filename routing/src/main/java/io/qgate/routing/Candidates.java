package io.qgate.routing;

/**
 * The replicas a request may go to, each beside its load state, so that pickers and scorers
 * reach the load by index instead of looking it up by address for every candidate: over a
 * thousand replicas that lookup was most of a decision's cost.
 */
public final class Candidates {

    private final Endpoint[] endpoints;
    private final EndpointLoad[] loads;
    private final int size;

    Candidates(Endpoint[] endpoints, EndpointLoad[] loads, int size) {
        this.endpoints = endpoints;
        this.loads = loads;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public Endpoint endpoint(int index) {
        return endpoints[index];
    }

    public EndpointLoad load(int index) {
        return loads[index];
    }
}
