package io.qgate.routing;

/**
 * Prefers replicas with free KV cache: a nearly full cache means the engine is about to queue or
 * preempt. Unknown or stale use scores in the middle, neither preferred nor avoided.
 */
final class KvCacheScorer implements Scorer {

    @Override
    public void score(RouteRequest request, Candidates candidates, double[] estimated, double lowest, LoadView view,
                      double[] scores) {
        long now = view.nowNanos();
        long staleAfter = view.settings().staleAfter().toNanos();
        for (int i = 0; i < candidates.size(); i++) {
            double used = candidates.load(i).kvCacheUsage(now, staleAfter);
            scores[i] = Double.isNaN(used) ? 0.5 : 1.0 - Math.max(0.0, Math.min(1.0, used));
        }
    }
}
