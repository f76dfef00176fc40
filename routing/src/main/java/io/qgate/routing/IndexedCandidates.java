package io.qgate.routing;

import java.util.NavigableSet;
import java.util.random.RandomGenerator;

/**
 * Finds in the {@link LoadIndex} the few replicas that can win a decision, so that the strategy's
 * own scorers and picker weigh only them and choose as they would over every replica.
 *
 * <p>{@code queue}'s total is {@code wq / (1 + load - lowest) + wkv * kv (+ prefix)}: a replica
 * whose queue term plus the largest KV term cannot come within the picker's near-equal margin of
 * a total already seen cannot be chosen, and neither can any replica loaded more. Within one load
 * the index orders replicas by band of KV-cache score, the freest first, each band as wide as the
 * picker's margin ({@code NEAR_EQUAL / wkv}), and at random within a band: the candidates are
 * random replicas of the best band of the lowest load and the first of each other band that can
 * come within the margin. The best candidate's total is then within one margin of the full scan's
 * best, and the pick within two: the exact freest cache would be the same replica on every gateway,
 * and taking it first made a herd (p99 1.24x the oracle's at 1,000 replicas with 100 ms scrapes,
 * 1.17x still with random others beside it, against the full scan's 1.06x; 1.07x with the bands).
 * The prefix's holder is nominated by its scorer, as in a sample.
 *
 * <p>{@code work}'s cost is the work ahead plus twice the uncached prompt, which is the whole
 * prompt everywhere but at the prefix's holders: the best replica that holds nothing is the first
 * in order of work ahead. The picker then takes, among the replicas within its margin of the
 * least cost, the least loaded: those follow the first in order of work ahead, and replicas of
 * equal work ahead (all the idle ones: none) are in order of load, so a decision reads the first
 * of each amount in that window for its least load. When the window holds more amounts than a
 * walk may read, the decision weighs every replica (0.3% of the decisions at 1,000 replicas and
 * 20,000 requests/s in {@code fleet-scale}); an order by load beside the order by work, to read
 * instead, cost more to keep up to date than those full scans. The holders are weighed as they are.
 *
 * <p>A decision takes at most {@link #TIES} replicas of one bucket (equal keys), drawn at random,
 * so the picker chooses among a few equals instead of all. When the filters pass over more than
 * {@link #MAX_STEPS} buckets and replicas (a model few replicas serve, many ejected), it gives up
 * and the decision weighs every replica: the answer is then the full scan's, at the full scan's cost.
 */
final class IndexedCandidates {

    /** Replicas of one load a decision takes at most. */
    static final int TIES = 8;
    /** Buckets and replicas a walk may read before the decision weighs every replica instead. */
    static final int MAX_STEPS = 64;
    /** Rounding room in the {@code queue} bound: a replica let in by it is judged by the picker anyway. */
    private static final double SLACK = 1e-9;

    private IndexedCandidates() {
    }

    /**
     * Fills {@code decision} with the candidates of a {@code queue} decision.
     *
     * @return false when the decision must weigh every replica
     */
    static boolean queue(Decision decision, LoadIndex index, Filter[] filters, double queueWeight,
                         double kvWeight, RandomGenerator random) {
        index.lock(decision.nowNanos());
        try {
            decision.subset(filters);
            double lowest = Double.NaN;
            double best = Double.NEGATIVE_INFINITY;
            int steps = 0;
            boolean spread = false;
            for (LoadIndex.Bucket bucket : index.byLoad()) {
                if (++steps > MAX_STEPS) {
                    return false;
                }
                double queueTerm = Double.isNaN(lowest) ? queueWeight : queueWeight / (1.0 + bucket.estimated - lowest);
                double floor = best - Pickers.NEAR_EQUAL - SLACK;
                if (queueTerm + kvWeight < floor) {
                    break;
                }
                // The most the replicas of this load and KV band can total.
                double most = queueTerm + kvWeight * index.kvBandTop(-bucket.second);
                if (most < floor) {
                    continue;
                }
                int start = random.nextInt(bucket.size());
                LoadIndex.Slot first = null;
                for (int k = 0; k < bucket.size() && first == null; k++) {
                    if (k > 0 && ++steps > MAX_STEPS) {
                        return false;
                    }
                    LoadIndex.Slot slot = bucket.member(start, k);
                    if (decision.admit(slot.endpoint(), slot.load())) {
                        first = slot;
                    }
                }
                if (first == null) {
                    continue;
                }
                if (Double.isNaN(lowest)) {
                    lowest = bucket.estimated;
                    queueTerm = queueWeight;
                    most = queueTerm + kvWeight * index.kvBandTop(-bucket.second);
                }
                // At least what the band's bottom totals: what can still come within the margin.
                best = Math.max(best, most - kvWeight * (index.kvBandTop(-bucket.second)
                        - index.kvBandTop(-bucket.second - 1)));
                if (!spread) {
                    spread(decision, bucket, random);
                    spread = true;
                }
            }
            return decision.size() > 0;
        } finally {
            index.unlock();
        }
    }

    /**
     * Adds up to {@link #TIES} − 1 more replicas of {@code bucket}, drawn at random: the same few on
     * every gateway would make a herd; the full scan chooses at random among all equals.
     */
    private static void spread(Decision decision, LoadIndex.Bucket bucket, RandomGenerator random) {
        for (int k = 1; k < TIES && k < bucket.size(); k++) {
            LoadIndex.Slot slot = bucket.member(random.nextInt(bucket.size()));
            decision.admit(slot.endpoint(), slot.load());
        }
    }

    /**
     * Fills {@code decision} with the candidates of a {@code work} decision: the prefix's holders,
     * the non-holder with the least work ahead, and the least loaded non-holders whose cost is
     * within the picker's margin of the least.
     *
     * @return false when the decision must weigh every replica
     */
    static boolean work(Decision decision, LoadIndex index, Filter[] filters, WorkModel model,
                        RandomGenerator random) {
        RouteRequest request = decision.request();
        PrefixHolders.Match match = decision.holders(model);
        long now = decision.nowNanos();
        // The request's own prefill counts twice (WorkScorer), as the same operations compute it there.
        double own = 2.0 * model.uncached(request, PrefixHolders.Match.NONE, "");
        index.lock(now);
        try {
            decision.subset(filters);
            double least = Double.POSITIVE_INFINITY;
            LoadTable.Accepting accepting = decision.table().accepting();
            for (int h = 0; h < match.size(); h++) {
                String authority = match.authority(h);
                int at = accepting.indexOf(authority);
                if (at >= 0 && decision.admit(accepting.endpoints()[at], accepting.loads()[at])) {
                    EndpointLoad load = accepting.loads()[at];
                    double workAhead = WorkScorer.workAhead(load, index.estimated(load, now), now,
                            decision.staleAfterNanos());
                    least = Math.min(least, workAhead + 2.0 * model.uncached(request, match, authority));
                }
            }
            // The replicas without the prefix, in order of work ahead: the first that passes is the cheapest.
            NavigableSet<LoadIndex.Bucket> byWork = index.byWork();
            LoadIndex.Bucket first = null;
            int steps = 0;
            for (LoadIndex.Bucket bucket : byWork) {
                int start = random.nextInt(bucket.size());
                for (int k = 0; k < bucket.size() && first == null; k++) {
                    if (++steps > MAX_STEPS) {
                        return false;
                    }
                    LoadIndex.Slot slot = bucket.member(start, k);
                    if (match.blocks(slot.endpoint()) == 0 && decision.admit(slot.endpoint(), slot.load())) {
                        first = bucket;
                    }
                }
                if (first != null) {
                    break;
                }
            }
            if (first == null) {
                return least < Double.POSITIVE_INFINITY;
            }
            least = Math.min(least, first.second + own);
            if (!near(least, first.second + own)) {
                // No replica without the prefix comes within the margin: the holders decide.
                return true;
            }
            // The picker takes the least loaded within the margin of the least cost.
            return leastLoadedNear(decision, byWork, first, match, least, own, random);
        } finally {
            index.unlock();
        }
    }

    /**
     * Admits the least loaded replicas without the prefix in the window of work ahead that starts
     * at {@code first}. Buckets of equal work ahead are in order of load, so the least load of
     * each amount is that of its first bucket with a replica that passes: the walk reads that one
     * and jumps to the next amount. False when the window holds more than {@link #MAX_STEPS}
     * buckets and filtered-out replicas together.
     */
    private static boolean leastLoadedNear(Decision decision, NavigableSet<LoadIndex.Bucket> byWork,
                                           LoadIndex.Bucket first, PrefixHolders.Match match, double least,
                                           double own, RandomGenerator random) {
        double lowest = Double.POSITIVE_INFINITY;
        int steps = 0;
        LoadIndex.Bucket bucket = first;
        while (bucket != null && near(least, bucket.second + own)) {
            if (++steps > MAX_STEPS) {
                return false;
            }
            if (bucket.estimated >= lowest) {
                // Its amount's later buckets are loaded more still.
                bucket = byWork.higher(LoadIndex.Bucket.afterWork(bucket.second));
                continue;
            }
            boolean passes = false;
            for (int i = 0; i < bucket.size() && !passes; i++) {
                if (i > 0 && ++steps > MAX_STEPS) {
                    return false;
                }
                LoadIndex.Slot slot = bucket.member(i);
                passes = match.blocks(slot.endpoint()) == 0 && decision.passes(slot.endpoint(), slot.load());
            }
            if (passes) {
                lowest = bucket.estimated;
                bucket = byWork.higher(LoadIndex.Bucket.afterWork(bucket.second));
            } else {
                bucket = byWork.higher(bucket);
            }
        }
        // Those of the least load lead their amounts: admitted, up to TIES of them, drawn at random.
        int ties = 0;
        bucket = first;
        while (bucket != null && near(least, bucket.second + own) && ties < TIES && ++steps <= 2 * MAX_STEPS) {
            if (bucket.estimated > lowest) {
                bucket = byWork.higher(LoadIndex.Bucket.afterWork(bucket.second));
                continue;
            }
            if (bucket.estimated == lowest) {
                int start = random.nextInt(bucket.size());
                for (int k = 0; k < bucket.size() && ties < TIES; k++) {
                    LoadIndex.Slot slot = bucket.member(start, k);
                    if (match.blocks(slot.endpoint()) == 0 && decision.admit(slot.endpoint(), slot.load())) {
                        ties++;
                    }
                }
            }
            bucket = byWork.higher(bucket);
        }
        // Cut short by filtered-out replicas of the least load: the full scan decides.
        return ties > 0;
    }

    /** The picker's near-equal test of a cost against the least, computed as {@link WorkScorer} and {@link Pickers} do. */
    private static boolean near(double least, double cost) {
        return (least + 1.0) / (cost + 1.0) >= 1.0 - Pickers.NEAR_EQUAL;
    }
}
