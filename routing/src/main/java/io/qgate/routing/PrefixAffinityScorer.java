package io.qgate.routing;

import java.util.Arrays;

/**
 * Prefers the replica that already holds the request's prompt prefix in its cache, unless the
 * request would queue there: its engine reported waiting requests at the last fresh scrape, or
 * its estimated load has reached the batch limit it was seen to queue at, or the load exceeds the
 * lowest by more than the configured margin. A warm cache saves a prefill; a place in a queue
 * costs a whole request's share of the batch, far more. Learns from every pick.
 */
final class PrefixAffinityScorer implements Scorer {

    private final PrefixIndex index;

    PrefixAffinityScorer(PrefixIndex index) {
        this.index = index;
    }

    @Override
    public String name() {
        return "prefix";
    }

    @Override
    public boolean nominate(Decision decision) {
        long[] prefix = decision.request().prefixHashes();
        PrefixIndex.Match match = prefix.length == 0 ? null : index.lookup(prefix);
        if (match != null) {
            decision.nominate(match.authority());
        }
        return true;
    }

    @Override
    public void score(Decision decision, double[] scores) {
        Arrays.fill(scores, 0, decision.size(), 0.0);
        long[] prefix = decision.request().prefixHashes();
        if (prefix.length == 0) {
            return;
        }
        PrefixIndex.Match match = index.lookup(prefix);
        if (match == null) {
            return;
        }
        for (int i = 0; i < decision.size(); i++) {
            if (decision.endpoint(i).authority().equals(match.authority())) {
                if (decision.affinityAllowed(i)) {
                    scores[i] = (double) match.blocks() / prefix.length;
                }
                return;
            }
        }
    }

    @Override
    public void picked(RouteRequest request, Endpoint chosen) {
        if (request.prefixHashes().length > 0) {
            index.record(request.prefixHashes(), chosen.authority());
        }
    }
}
