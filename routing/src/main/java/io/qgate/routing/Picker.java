package io.qgate.routing;

/**
 * Chooses one of the candidates a decision's filters kept, by the scores when the strategy has
 * scorers. Implementations are thread-safe and do not block.
 */
public interface Picker {

    String name();

    /** The index of the chosen candidate; the decision holds at least one. */
    int pick(Decision decision);
}
