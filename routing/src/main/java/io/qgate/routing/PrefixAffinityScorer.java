package io.qgate.routing;

/**
 * Prefers the replica that already holds the request's prompt prefix in its cache, unless the
 * request would queue there: its engine reported waiting requests at the last fresh scrape, or
 * its estimated load has reached the batch limit it was seen to queue at, or the load exceeds the
 * lowest by more than the configured margin. A warm cache saves a prefill; a place in a queue
 * costs a whole request's share of the batch, far more.
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
                EndpointLoad load = candidates.load(i);
                double waiting = load.scrapedWaiting(view.nowNanos(), view.settings().staleAfter().toNanos());
                // NaN compares false: no fresh scrape or no limit learned yet is not known to queue.
                boolean wouldQueue = waiting > 0 || estimated[i] + 1 > load.learnedBatchLimit();
                if (!wouldQueue && estimated[i] <= lowest + view.settings().affinityMargin()) {
                    scores[i] = (double) match.blocks() / request.prefixHashes().length;
                }
                return;
            }
        }
    }
}
