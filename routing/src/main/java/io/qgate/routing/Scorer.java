package io.qgate.routing;

/**
 * One criterion of the queue strategy: gives each candidate a score in [0,1], higher is better.
 * The picker adds the scores up with weights.
 */
interface Scorer {

    /**
     * Writes the score of candidate {@code i} into {@code scores[i]}.
     *
     * @param estimated each candidate's estimated engine load, computed once per decision
     * @param lowest    the lowest of {@code estimated}
     */
    void score(RouteRequest request, Candidates candidates, double[] estimated, double lowest, LoadView view,
               double[] scores);
}
