package io.qgate.routing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Chooses one endpoint among candidates for a request.
 *
 * <p>The candidates are already filtered (they accept requests, are not ejected, and none was
 * excluded by an earlier failed attempt) and never empty. Implementations are thread-safe and do
 * not block: they run on the gateway's event loops.
 */
public interface EndpointPicker {

    /** The index of the chosen candidate; {@code candidates} is not empty. */
    int pick(RouteRequest request, Candidates candidates, LoadView view);

    /** The name of the strategy, as configured and logged. */
    String name();

    /** Called once the request was sent to {@code chosen}; pickers that learn from picks override it. */
    default void picked(RouteRequest request, Endpoint chosen) {
    }

    /** The randomness of the production pickers: per thread, no contention. */
    Supplier<RandomGenerator> THREAD_LOCAL_RANDOM = ThreadLocalRandom::current;

    /** Each candidate in turn: a baseline. */
    static EndpointPicker roundRobin() {
        return new RoundRobinPicker();
    }

    /** Uniformly at random: a baseline. */
    static EndpointPicker random(Supplier<RandomGenerator> random) {
        return new RandomPicker(random);
    }

    /** Power of two choices on the gateway's own in-flight counts: a baseline that scrapes nothing. */
    static EndpointPicker leastInflight(Supplier<RandomGenerator> random) {
        return new LeastInflightPicker(random);
    }

    /**
     * The default: estimated engine queue (scraped and corrected), KV-cache use and, when
     * {@code settings.prefixAffinity()}, prefix affinity, with a random tie-break.
     */
    static EndpointPicker queue(RoutingSettings settings, Supplier<RandomGenerator> random) {
        return new QueuePicker(settings, random);
    }

    /** The strategy called {@code name} in the configuration. */
    static EndpointPicker named(String name, RoutingSettings settings, Supplier<RandomGenerator> random) {
        return switch (name) {
            case "queue" -> queue(settings, random);
            case "least-inflight" -> leastInflight(random);
            case "round-robin" -> roundRobin();
            case "random" -> random(random);
            default -> throw new IllegalArgumentException("routing.strategy: " + name
                    + " (expected: queue, least-inflight, round-robin or random)");
        };
    }
}
