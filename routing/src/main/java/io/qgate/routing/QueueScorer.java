package io.qgate.routing;

/**
 * Prefers the replica with the fewest requests in its engine (scraped, corrected by what this
 * gateway dispatched since): {@code 1 / (1 + load - lowest load)}, so the least loaded scores 1
 * and each further request costs less than the one before.
 */
final class QueueScorer implements Scorer {

    @Override
    public void score(RouteRequest request, Candidates candidates, double[] estimated, double lowest, LoadView view,
                      double[] scores) {
        for (int i = 0; i < candidates.size(); i++) {
            scores[i] = 1.0 / (1.0 + estimated[i] - lowest);
        }
    }
}
