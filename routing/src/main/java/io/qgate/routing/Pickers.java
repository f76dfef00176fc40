package io.qgate.routing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/** The pickers: each a name and a function from a decision to the chosen candidate. Add a picker here. */
final class Pickers {

    /** Totals within this of the best count as equal. */
    static final double NEAR_EQUAL = 0.02;

    private record Named(String name, ToIntFunction<Decision> function) implements Picker {
        @Override
        public int pick(Decision decision) {
            return function.applyAsInt(decision);
        }
    }

    private Pickers() {
    }

    /**
     * The best total, with a random choice among near-equals. Between two scrapes other
     * gateways' traffic is invisible, so several gateways that trusted the same numbers exactly
     * would all pick the same replica; the random tie-break spreads them.
     */
    static Picker maxScore(Supplier<RandomGenerator> random) {
        return new Named("max-score", decision -> maxScore(decision, random));
    }

    /**
     * The best total; among near-equals, the fewest requests in the engine by the estimate (the
     * queue strategy's measure), then at random. For a strategy whose score leaves requests of
     * equal work tied, the count still decides: with the same work ahead, fewer running sequences
     * decode faster and leave a slot free sooner.
     */
    static Picker maxScoreThenLeastLoaded(Supplier<RandomGenerator> random) {
        return new Named("max-score-then-least-loaded", decision -> maxScoreThenLeastLoaded(decision, random));
    }

    /**
     * Power of two choices: two candidates at random, the one with fewer of this gateway's
     * requests in flight. Nearly as good as scanning all for the least, and several gateways doing
     * it at once do not all pile onto the same replica.
     */
    static Picker leastInflight(Supplier<RandomGenerator> random) {
        return new Named("least-inflight", decision -> lessBusyOfTwo(decision, random));
    }

    /** Takes the candidates in turn; the order follows the sorted snapshot. */
    static Picker roundRobin() {
        AtomicInteger next = new AtomicInteger();
        // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE.
        return new Named("round-robin", decision -> Math.floorMod(next.getAndIncrement(), decision.size()));
    }

    /** Any candidate, uniformly. */
    static Picker random(Supplier<RandomGenerator> random) {
        return new Named("random", decision -> random.get().nextInt(decision.size()));
    }

    private static int maxScore(Decision decision, Supplier<RandomGenerator> random) {
        return nearBest(decision, random, false);
    }

    private static int maxScoreThenLeastLoaded(Decision decision, Supplier<RandomGenerator> random) {
        return nearBest(decision, random, true);
    }

    /**
     * A uniform choice among the candidates whose total is within {@link #NEAR_EQUAL} of the best;
     * with {@code leastLoaded}, only among those of them with the lowest estimated load.
     */
    private static int nearBest(Decision decision, Supplier<RandomGenerator> random, boolean leastLoaded) {
        int n = decision.size();
        if (n == 1) {
            return 0;
        }
        double[] totals = decision.totals();
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, totals[i]);
        }
        double least = Double.MAX_VALUE;
        if (leastLoaded) {
            for (int i = 0; i < n; i++) {
                if (totals[i] >= best - NEAR_EQUAL) {
                    least = Math.min(least, decision.estimated(i));
                }
            }
        }
        // Reservoir sampling: a uniform choice among the near-best without a second list.
        RandomGenerator r = random.get();
        int chosen = -1;
        int seen = 0;
        for (int i = 0; i < n; i++) {
            if (totals[i] >= best - NEAR_EQUAL && (!leastLoaded || decision.estimated(i) <= least)
                    && r.nextInt(++seen) == 0) {
                chosen = i;
            }
        }
        return chosen;
    }

    private static int lessBusyOfTwo(Decision decision, Supplier<RandomGenerator> random) {
        int n = decision.size();
        if (n == 1) {
            return 0;
        }
        RandomGenerator r = random.get();
        int first = r.nextInt(n);
        int second = r.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        return decision.load(second).inflight() < decision.load(first).inflight() ? second : first;
    }
}
