package io.qgate.routing;

import java.util.List;

/**
 * Prefers replicas with free KV cache: a nearly full cache means the engine is about to queue or
 * preempt. Unknown or stale use scores in the middle, neither preferred nor avoided.
 */
final class KvCacheScorer implements Scorer {

    @Override
    public void score(RouteRequest request, List<Endpoint> candidates, LoadView load, double[] scores) {
        long now = load.nowNanos();
        long staleAfter = load.settings().staleAfter().toNanos();
        for (int i = 0; i < candidates.size(); i++) {
            double used = load.load(candidates.get(i)).kvCacheUsage(now, staleAfter);
            scores[i] = Double.isNaN(used) ? 0.5 : 1.0 - Math.max(0.0, Math.min(1.0, used));
        }
    }
}
