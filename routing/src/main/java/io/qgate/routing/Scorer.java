package io.qgate.routing;

/**
 * One criterion of a strategy: gives each candidate a score in [0,1], higher is better. The
 * strategy adds the scores up with the configured weights.
 *
 * <p>Implementations are thread-safe and do not block: they run on the gateway's event loops.
 */
public interface Scorer {

    /** The name of the scorer, as in {@code routing.weights.<name>} and {@code /debug/endpoints}. */
    String name();

    /**
     * Writes the score of every candidate {@code i} into {@code scores[i]}; what {@code scores}
     * holds on entry is left over from an earlier decision.
     */
    void score(Decision decision, double[] scores);

    /**
     * Whether the scorer has anything to say about {@code decision}: one that does not is skipped
     * and counts as 0 for every candidate. Answer from the request or a summary, never a scan.
     */
    default boolean applies(Decision decision) {
        return true;
    }

    /**
     * Adds to a sampled {@code decision} the replicas this scorer would favour
     * ({@link Decision#nominate}), so that a random sample does not miss them; asked only when
     * the scorer applies. False when it can only judge with every replica: the decision then
     * weighs them all.
     */
    default boolean nominate(Decision decision) {
        return true;
    }

    /** Called once the request was sent to {@code chosen}; scorers that learn from picks override it. */
    default void picked(RouteRequest request, Endpoint chosen) {
    }

    /** {@link #picked(RouteRequest, Endpoint)} for a scorer that also needs the decision's instant. */
    default void picked(RouteRequest request, Endpoint chosen, long nowNanos) {
        picked(request, chosen);
    }
}
