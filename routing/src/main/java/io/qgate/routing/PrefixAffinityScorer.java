package io.qgate.routing;

import java.util.List;

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
    public void score(RouteRequest request, List<Endpoint> candidates, LoadView load, double[] scores) {
        if (request.prefixHashes().length == 0) {
            return;
        }
        PrefixIndex.Match match = index.lookup(request.prefixHashes());
        if (match == null) {
            return;
        }
        int owner = -1;
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            lowest = Math.min(lowest, load.estimatedLoad(candidates.get(i)));
            if (candidates.get(i).authority().equals(match.authority())) {
                owner = i;
            }
        }
        if (owner >= 0 && load.estimatedLoad(candidates.get(owner)) <= lowest + load.settings().affinityMargin()) {
            scores[owner] = (double) match.blocks() / request.prefixHashes().length;
        }
    }
}
