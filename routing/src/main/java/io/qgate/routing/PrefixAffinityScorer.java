package io.qgate.routing;

/**
 * Prefers the replica that already holds the request's prompt prefix in its cache, unless that
 * replica's estimated load exceeds the lowest by more than the configured margin: a warm cache
 * saves prefill, but not as much as a long queue costs.
 */
final class PrefixAffinityScorer implements Scorer {

    private final PrefixIndex index;

    PrefixAffinityScorer(PrefixIndex index) {
        this.index = index;
    }

    @Override
    public void score(RouteRequest request, Candidates candidates, double[] estimated, double lowest, LoadView view,
                      double[] scores) {
        if (request.prefixHashes().length == 0) {
            return;
        }
        PrefixIndex.Match match = index.lookup(request.prefixHashes());
        if (match == null) {
            return;
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.endpoint(i).authority().equals(match.authority())) {
                if (estimated[i] <= lowest + view.settings().affinityMargin()) {
                    scores[i] = (double) match.blocks() / request.prefixHashes().length;
                }
                return;
            }
        }
    }
}
