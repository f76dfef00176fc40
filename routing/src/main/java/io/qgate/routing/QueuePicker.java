package io.qgate.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The queue strategy: weighted scorers, then the best total with a random choice among
 * near-equals. Between two scrapes other gateways' traffic is invisible, so several gateways
 * that trusted the same numbers exactly would all pick the same replica; the random tie-break
 * spreads them.
 */
final class QueuePicker implements EndpointPicker {

    /** Totals within this of the best count as equal. */
    private static final double NEAR_EQUAL = 0.02;

    private record Weighted(Scorer scorer, double weight) {}

    private final List<Weighted> scorers = new ArrayList<>();
    private final PrefixIndex prefixIndex;
    private final Supplier<RandomGenerator> random;
    private final boolean correction;

    QueuePicker(RoutingSettings settings, Supplier<RandomGenerator> random) {
        this.random = random;
        this.correction = settings.queueCorrection();
        scorers.add(new Weighted(new QueueScorer(), 1.0));
        // A tie-breaker among equally loaded replicas, never a reason to queue behind others.
        scorers.add(new Weighted(new KvCacheScorer(), 0.1));
        if (settings.prefixAffinity()) {
            prefixIndex = new PrefixIndex(settings.prefixCacheSize());
            // Above the largest difference the other scorers can make, so that affinity wins
            // whenever the affinity scorer's own load margin allows it.
            scorers.add(new Weighted(new PrefixAffinityScorer(prefixIndex), 1.2));
        } else {
            prefixIndex = null;
        }
    }

    @Override
    public int pick(RouteRequest request, Candidates candidates, LoadView view) {
        int n = candidates.size();
        if (n == 1) {
            return 0;
        }
        long now = view.nowNanos();
        long staleAfter = view.settings().staleAfter().toNanos();
        double[] estimated = new double[n];
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            estimated[i] = candidates.load(i).estimatedLoad(now, staleAfter, correction);
            lowest = Math.min(lowest, estimated[i]);
        }
        double[] totals = new double[n];
        double[] scores = new double[n];
        for (Weighted weighted : scorers) {
            java.util.Arrays.fill(scores, 0.0);
            weighted.scorer().score(request, candidates, estimated, lowest, view, scores);
            for (int i = 0; i < n; i++) {
                totals[i] += weighted.weight() * scores[i];
            }
        }
        double best = Double.NEGATIVE_INFINITY;
        for (double total : totals) {
            best = Math.max(best, total);
        }
        // Reservoir sampling: a uniform choice among the near-best without a second list.
        RandomGenerator r = random.get();
        int chosen = -1;
        int seen = 0;
        for (int i = 0; i < n; i++) {
            if (totals[i] >= best - NEAR_EQUAL && r.nextInt(++seen) == 0) {
                chosen = i;
            }
        }
        return chosen;
    }

    @Override
    public void picked(RouteRequest request, Endpoint chosen) {
        if (prefixIndex != null && request.prefixHashes().length > 0) {
            prefixIndex.record(request.prefixHashes(), chosen.authority());
        }
    }

    @Override
    public String name() {
        return correction ? "queue" : "queue (uncorrected)";
    }
}
