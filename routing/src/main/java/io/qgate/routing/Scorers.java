package io.qgate.routing;

import java.util.function.BiConsumer;

/**
 * The stateless scorers: each a name and a function that writes every candidate's score. A
 * scorer that keeps state, such as {@link PrefixAffinityScorer}, is a class of its own. Add a
 * scorer here, give it a weight in {@link RoutingSettings.Weights} and a place in {@link Strategies}.
 */
final class Scorers {

    private record Named(String name, BiConsumer<Decision, double[]> function) implements Scorer {
        @Override
        public void score(Decision decision, double[] scores) {
            function.accept(decision, scores);
        }
    }

    /**
     * Prefers the replica with the fewest requests in its engine (scraped, corrected by what this
     * gateway dispatched since): {@code 1 / (1 + load - lowest load)}, so the least loaded scores
     * 1 and each further request costs less than the one before.
     */
    static final Scorer QUEUE = new Named("queue", Scorers::queue);

    /**
     * Prefers replicas with free KV cache: a nearly full cache means the engine is about to queue
     * or preempt. Unknown or stale use scores in the middle, neither preferred nor avoided.
     */
    static final Scorer KV_CACHE = new Named("kv-cache", Scorers::kvCache);

    private Scorers() {
    }

    private static void queue(Decision decision, double[] scores) {
        double[] estimated = decision.estimates();
        double lowest = decision.lowest();
        for (int i = 0; i < decision.size(); i++) {
            scores[i] = 1.0 / (1.0 + estimated[i] - lowest);
        }
    }

    private static void kvCache(Decision decision, double[] scores) {
        long now = decision.nowNanos();
        long staleAfter = decision.staleAfterNanos();
        EndpointLoad[] candidates = decision.loads();
        for (int i = 0; i < decision.size(); i++) {
            scores[i] = kvCache(candidates[i], now, staleAfter);
        }
    }

    /** One replica's {@link #KV_CACHE} score: what the load index orders equally loaded replicas by. */
    static double kvCache(EndpointLoad load, long nowNanos, long staleAfterNanos) {
        double used = load.kvCacheUsage(nowNanos, staleAfterNanos);
        return Double.isNaN(used) ? 0.5 : 1.0 - Math.max(0.0, Math.min(1.0, used));
    }
}
