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
 * least cost, the least loaded: those follow the first in order of work ahead, so a decision reads
 * that window for its least load; when the window is wide (many replicas with the same work
 * ahead, as in an idle fleet), the first in order of load whose work ahead is within it instead.
 * The holders are weighed as they are.
 *
 * <p>A decision takes at most {@link #TIES} replicas of one load and band, so the picker chooses
 * among a few equals instead of all, drawn at random ({@code queue}) or in the index's salted
 * order ({@code work}). When the filters pass over more than {@link #MAX_STEPS}
 * entries (a model few replicas serve, many ejected), it gives up and the decision weighs every
 * replica: the answer is then the full scan's, at the full scan's cost.
 */
final class IndexedCandidates {

    /** Replicas of one load a decision takes at most. */
    static final int TIES = 8;
    /** Index entries a walk may read before the decision weighs every replica instead. */
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
            NavigableSet<LoadIndex.Key> order = index.byLoad();
            double lowest = Double.NaN;
            double best = Double.NEGATIVE_INFINITY;
            int steps = 0;
            boolean spread = false;
            LoadIndex.Key key = order.isEmpty() ? null : order.first();
            while (key != null) {
                if (++steps > MAX_STEPS) {
                    return false;
                }
                double queueTerm = Double.isNaN(lowest) ? queueWeight : queueWeight / (1.0 + key.estimated - lowest);
                double floor = best - Pickers.NEAR_EQUAL - SLACK;
                if (queueTerm + kvWeight < floor) {
                    break;
                }
                // The most the replicas of this load and KV band can total.
                double most = queueTerm + kvWeight * index.kvBandTop(-key.second);
                if (most < floor) {
                    key = nextLoad(order, key);
                    continue;
                }
                if (!decision.admit(key.endpoint(), key.load())) {
                    key = order.higher(key);
                    continue;
                }
                if (Double.isNaN(lowest)) {
                    lowest = key.estimated;
                    queueTerm = queueWeight;
                    most = queueTerm + kvWeight * index.kvBandTop(-key.second);
                }
                // At least what the band's bottom totals: what can still come within the margin.
                best = Math.max(best, most - kvWeight * (index.kvBandTop(-key.second) - index.kvBandTop(-key.second - 1)));
                if (!spread) {
                    spread(decision, order, key, random);
                    spread = true;
                }
                key = order.higher(LoadIndex.Key.probe(key.estimated, key.second, Long.MAX_VALUE));
            }
            return decision.size() > 0;
        } finally {
            index.unlock();
        }
    }

    /**
     * Adds up to {@link #TIES} − 1 replicas of {@code first}'s load and KV band, found at random:
     * within a band the index orders them by salt. Not the next ones in order: the same few on
     * every gateway would make a herd; the full scan chooses at random among all equals.
     */
    private static void spread(Decision decision, NavigableSet<LoadIndex.Key> order, LoadIndex.Key first,
                               RandomGenerator random) {
        for (int k = 1; k < TIES; k++) {
            LoadIndex.Key found = order.ceiling(LoadIndex.Key.probe(first.estimated, first.second, random.nextLong()));
            if (found == null || found.estimated != first.estimated || found.second != first.second) {
                found = first;
            }
            decision.admit(found.endpoint(), found.load());
        }
    }

    /** The first key of a higher load than {@code key}'s. */
    private static LoadIndex.Key nextLoad(NavigableSet<LoadIndex.Key> order, LoadIndex.Key key) {
        return order.higher(LoadIndex.Key.afterLoad(key.estimated));
    }

    /**
     * Fills {@code decision} with the candidates of a {@code work} decision: the prefix's holders,
     * the non-holder with the least work ahead, and the least loaded non-holders whose cost is
     * within the picker's margin of the least.
     *
     * @return false when the decision must weigh every replica
     */
    static boolean work(Decision decision, LoadIndex index, Filter[] filters, WorkModel model) {
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
            // The replicas without the prefix, in order of work ahead: the first is the cheapest.
            NavigableSet<LoadIndex.Key> byWork = index.byWork();
            LoadIndex.Key first = null;
            int steps = 0;
            for (LoadIndex.Key key : byWork) {
                if (++steps > MAX_STEPS) {
                    return false;
                }
                if (match.blocks(key.endpoint().authority()) == 0 && decision.admit(key.endpoint(), key.load())) {
                    first = key;
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
            return leastLoadedNear(decision, byWork, first, match, least, own)
                    || leastLoadedFirst(decision, index.byLoad(), match, least, own);
        } finally {
            index.unlock();
        }
    }

    /**
     * Admits the least loaded replicas without the prefix in the window of work ahead that starts
     * at {@code first}. Replicas of equal work ahead are in order of load, so the least loaded of
     * each amount is the first of it that passes: the walk reads that one and jumps to the next
     * amount. False when the window holds more than {@link #MAX_STEPS} amounts and filtered-out
     * replicas together.
     */
    private static boolean leastLoadedNear(Decision decision, NavigableSet<LoadIndex.Key> byWork,
                                           LoadIndex.Key first, PrefixHolders.Match match, double least,
                                           double own) {
        double lowest = Double.POSITIVE_INFINITY;
        int steps = 0;
        LoadIndex.Key key = first;
        while (key != null && near(least, key.second + own)) {
            if (++steps > MAX_STEPS) {
                return false;
            }
            if (match.blocks(key.endpoint().authority()) == 0 && decision.passes(key.endpoint(), key.load())) {
                lowest = Math.min(lowest, key.estimated);
                key = byWork.higher(LoadIndex.Key.afterWork(key.second));
            } else {
                key = byWork.higher(key);
            }
        }
        // Those of the least load lead their amounts: admitted, up to TIES of them.
        int ties = 0;
        key = first;
        while (key != null && near(least, key.second + own) && ties < TIES && ++steps <= 2 * MAX_STEPS) {
            if (key.estimated > lowest) {
                key = byWork.higher(LoadIndex.Key.afterWork(key.second));
                continue;
            }
            if (match.blocks(key.endpoint().authority()) == 0 && decision.admit(key.endpoint(), key.load())) {
                ties++;
            }
            key = byWork.higher(key);
        }
        // Cut short by filtered-out replicas of the least load: the full scan decides.
        return ties > 0;
    }

    /**
     * For a wide window (a fleet where many replicas have the same work ahead, none at all when
     * idle): the replicas in order of load, the first without the prefix within the window
     * decides; false when that takes more than {@link #MAX_STEPS}.
     */
    private static boolean leastLoadedFirst(Decision decision, NavigableSet<LoadIndex.Key> byLoad,
                                            PrefixHolders.Match match, double least, double own) {
        double found = Double.NaN;
        int ties = 0;
        int steps = 0;
        for (LoadIndex.Key key : byLoad) {
            if (key.estimated > found) {
                break;
            }
            if (++steps > MAX_STEPS) {
                return false;
            }
            if (near(least, key.second + own) && match.blocks(key.endpoint().authority()) == 0
                    && decision.admit(key.endpoint(), key.load())) {
                found = key.estimated;
                if (++ties >= TIES) {
                    break;
                }
            }
        }
        return true;
    }

    /** The picker's near-equal test of a cost against the least, computed as {@link WorkScorer} and {@link Pickers} do. */
    private static boolean near(double least, double cost) {
        return (least + 1.0) / (cost + 1.0) >= 1.0 - Pickers.NEAR_EQUAL;
    }
}
