package io.qgate.routing;

import java.util.concurrent.atomic.AtomicInteger;

/** Takes the candidates in turn; the order follows the sorted snapshot. */
final class RoundRobinPicker implements EndpointPicker {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int pick(RouteRequest request, Candidates candidates, LoadView view) {
        // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE.
        return Math.floorMod(next.getAndIncrement(), candidates.size());
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
