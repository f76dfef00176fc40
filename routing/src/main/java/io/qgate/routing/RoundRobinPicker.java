package io.qgate.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes the candidates in turn; the order follows the sorted snapshot. */
final class RoundRobinPicker implements EndpointPicker {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(RouteRequest request, List<Endpoint> candidates, LoadView load) {
        // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE.
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
