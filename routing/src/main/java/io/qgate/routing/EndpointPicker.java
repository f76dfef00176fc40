package io.qgate.routing;

import java.util.List;

/**
 * Chooses one endpoint among candidates for a request.
 *
 * <p>The candidates are already filtered (they accept requests and none was excluded by an
 * earlier failed attempt) and never empty. Implementations are thread-safe and do not block:
 * they run on the gateway's event loops.
 */
public interface EndpointPicker {

    /** Picks one of {@code candidates}, which is not empty. */
    Endpoint pick(RouteRequest request, List<Endpoint> candidates, LoadView load);

    /** The name of the strategy, as configured and logged. */
    String name();

    /** Each candidate in turn, the baseline every other strategy is compared against. */
    static EndpointPicker roundRobin() {
        return new RoundRobinPicker();
    }
}
