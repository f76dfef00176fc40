package io.qgate.routing;

import java.util.List;

/**
 * One criterion of the queue strategy: gives each candidate a score in [0,1], higher is better.
 * The picker adds the scores up with weights.
 */
interface Scorer {

    /** Writes the score of {@code candidates.get(i)} into {@code scores[i]}. */
    void score(RouteRequest request, List<Endpoint> candidates, LoadView load, double[] scores);
}
