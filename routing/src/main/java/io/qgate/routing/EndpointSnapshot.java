package io.qgate.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable, sorted set of endpoints as discovery last saw them.
 *
 * <p>Discovery builds a new snapshot on every change and the router swaps one reference, so a
 * pick never takes a lock and never sees a half-applied update. Sorting makes two snapshots of
 * the same endpoints equal, which lets discovery skip no-op updates.
 */
public final class EndpointSnapshot {

    private static final EndpointSnapshot EMPTY = new EndpointSnapshot(List.of());

    private final List<Endpoint> endpoints;
    private final List<Endpoint> accepting;

    private EndpointSnapshot(List<Endpoint> sorted) {
        this.endpoints = sorted;
        this.accepting = sorted.stream().filter(Endpoint::acceptsRequests).toList();
    }

    public static EndpointSnapshot empty() {
        return EMPTY;
    }

    /**
     * A snapshot of the given endpoints. When one address appears twice, the entry that accepts
     * requests wins (an address moving between two EndpointSlices must not flap).
     */
    public static EndpointSnapshot of(Collection<Endpoint> endpoints) {
        List<Endpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(null);
        List<Endpoint> unique = new ArrayList<>(sorted.size());
        for (Endpoint endpoint : sorted) {
            int last = unique.size() - 1;
            if (last >= 0 && unique.get(last).sameAddress(endpoint)) {
                if (endpoint.acceptsRequests() && !unique.get(last).acceptsRequests()) {
                    unique.set(last, endpoint);
                }
            } else {
                unique.add(endpoint);
            }
        }
        return unique.isEmpty() ? EMPTY : new EndpointSnapshot(List.copyOf(unique));
    }

    /** Every known endpoint, sorted by address, including those not taking requests. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The endpoints that take new requests, sorted by address. */
    public List<Endpoint> accepting() {
        return accepting;
    }

    public boolean contains(Endpoint endpoint) {
        for (Endpoint known : endpoints) {
            if (known.sameAddress(endpoint)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointSnapshot other && endpoints.equals(other.endpoints);
    }

    @Override
    public int hashCode() {
        return endpoints.hashCode();
    }

    @Override
    public String toString() {
        return endpoints.toString();
    }
}
