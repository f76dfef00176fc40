package io.qgate.routing;

/**
 * One reason to leave a replica out of a decision. A strategy runs its filters in order, each on
 * what the ones before it kept; a decision left with no candidate dispatches nowhere.
 *
 * <p>Implementations are thread-safe and do not block: they run on the gateway's event loops.
 */
public interface Filter {

    /** The name shown in logs and {@code /debug/endpoints}. */
    String name();

    /**
     * Whether this filter may leave anything out of {@code decision}. The common case, nothing to
     * filter, must cost no scan of the fleet: answer from the request or a summary.
     */
    boolean applies(Decision decision);

    /** Whether candidate {@code candidate} stays; asked only when the filter {@link #applies}. */
    boolean keeps(Decision decision, int candidate);

    /** Whether the filter keeps every candidate rather than leave none: a preference, not a rule. */
    default boolean givesWay() {
        return false;
    }
}
