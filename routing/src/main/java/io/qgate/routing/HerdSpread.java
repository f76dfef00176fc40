package io.qgate.routing;

import java.util.Arrays;
import java.util.NavigableSet;
import java.util.random.RandomGenerator;

/**
 * Keeps gateways that route as one from all sending their next requests to the same replica.
 *
 * <p>Every gateway hears of the others' dispatches a little late ({@link PeerPace}): about a
 * millisecond and a half with the model, in which the nine others of ten gateways
 * sharing 1,000 replicas at 2,110 requests/s send about three requests this one knows nothing of.
 * All of them see the same least loaded replica, a finish having just freed it, and all send it
 * theirs, while its neighbours a request busier get none. The p99 TTFT at 1,000 replicas behind
 * ten gateways was 1.9x the oracle's with peers whose figures were exact but late.
 *
 * <p>So when the peers have requests on their way that this gateway has not heard of, its pick is
 * taken as one of those requests plus its own, poured over the least loaded replicas as water
 * fills a basin: each to the lowest level there is. The requests fill the replicas below some
 * level; this request goes to one of them at random, each as likely as the share of the water it
 * takes (the level less its load). If every gateway does so, the herd is spread as the least
 * loaded replicas can take it. With no peers, or none sending, the pick stands as the strategy
 * made it, and a pick above the level (a replica chosen for its cached prefix or its adapter)
 * stands too.
 *
 * <p>{@code queue} pours requests onto estimated loads. {@code work} pours them onto the loads of
 * the replicas that do not hold the request's prefix, each raised by its work ahead counted in
 * prompts of this request's size: among replicas with nothing to prefill first (most of them, at
 * 85% load) the load decides, as the picker's tie-break does, and a replica with prompts waiting
 * counts them as requests. A holder is chosen for its cache, not as the least busy, and stands.
 */
final class HerdSpread {

    /** Below this many unseen requests the pick stands: a herd of less than one is none. */
    static final double MIN_UNSEEN = 0.5;
    /** Replicas a spread reads at most through the index; past them the pick stands. */
    static final int MAX_READ = 256;

    /** The replicas the water may reach, kept in order of level, as one spread gathers them. */
    private static final class Basin {
        Endpoint[] endpoints = new Endpoint[16];
        EndpointLoad[] loads = new EndpointLoad[16];
        double[] levels = new double[16];
        int size;
        final double water;
        /** How many of the gathered the water covers, and the level it reaches; NaN when not worked out yet. */
        private int covered;
        private double level = Double.NaN;

        Basin(double water) {
            this.water = water;
        }

        /** The level the water reaches over the replicas gathered so far; infinite before the first. */
        double level() {
            if (size == 0) {
                return Double.POSITIVE_INFINITY;
            }
            if (Double.isNaN(level)) {
                double sum = 0;
                int k = 0;
                // Each replica taken in raises the level less; stop at the first the water does not reach.
                while (k < size && (k == 0 || levels[k] < (sum + water) / k)) {
                    sum += levels[k++];
                }
                covered = k;
                level = (sum + water) / k;
            }
            return level;
        }

        /** Gathers a replica, in its place by level. */
        void add(Endpoint endpoint, EndpointLoad load, double at) {
            if (size == levels.length) {
                endpoints = Arrays.copyOf(endpoints, size * 2);
                loads = Arrays.copyOf(loads, size * 2);
                levels = Arrays.copyOf(levels, size * 2);
            }
            int i = size;
            while (i > 0 && levels[i - 1] > at) {
                endpoints[i] = endpoints[i - 1];
                loads[i] = loads[i - 1];
                levels[i] = levels[i - 1];
                i--;
            }
            endpoints[i] = endpoint;
            loads[i] = load;
            levels[i] = at;
            size++;
            level = Double.NaN;
        }

        /** One replica under the level, each as likely as the water it takes. */
        int draw(RandomGenerator random) {
            double top = level();
            double at = random.nextDouble() * water;
            for (int i = 0; i < covered - 1; i++) {
                at -= top - levels[i];
                if (at < 0) {
                    return i;
                }
            }
            return covered - 1;
        }
    }

    private HerdSpread() {
    }

    /**
     * The candidate to send the request to instead of {@code chosen}, which may be the same one
     * and may be a replica the decision did not hold before (it is admitted).
     *
     * @param order   the strategy's order: {@code queue} by load, {@code work} by work ahead
     * @param unseen  the peers' requests this gateway has not heard of ({@link PeerPace#unseen})
     * @param model   {@code work}'s model, for the holders and the request's own work; null for {@code queue}
     */
    static int spread(Decision decision, int chosen, LoadIndex.Order order, double unseen, WorkModel model,
                      RandomGenerator random) {
        if (unseen < MIN_UNSEEN || chosen < 0 || decision.size() == 0) {
            return chosen;
        }
        boolean work = order == LoadIndex.Order.WORK;
        PrefixHolders.Match holders = work ? decision.holders(model) : PrefixHolders.Match.NONE;
        if (work ? holders.blocks(decision.endpoint(chosen)) > 0
                : decision.request().prefixHashes().length > 0 && decision.settings().prefixAffinity()) {
            // Sent to the prefix's holder, or weighed for it: the cache decides, not the load.
            return chosen;
        }
        // work's levels count a prompt's worth of work ahead as one request more.
        double unit = work ? Math.max(1, model.uncached(decision.request(), PrefixHolders.Match.NONE, "")) : 1;
        Basin basin = new Basin(unseen + 1);
        LoadIndex index = decision.table().index();
        boolean filled = index != null && decision.sampled()
                ? fillFromIndex(basin, decision, index, work, holders, unit)
                : fillFromCandidates(basin, decision, work, holders, unit);
        if (!filled || level(decision, chosen, work, unit) >= basin.level()) {
            return chosen;
        }
        int drawn = basin.draw(random);
        Endpoint endpoint = basin.endpoints[drawn];
        for (int i = 0; i < decision.size(); i++) {
            if (decision.endpoint(i) == endpoint) {
                return i;
            }
        }
        return decision.admit(endpoint, basin.loads[drawn]) ? decision.size() - 1 : chosen;
    }

    /**
     * A candidate's level, in requests: its estimated load; for {@code work}, plus its work ahead
     * in prompts of this request's size, so that replicas of equal work are in order of load as
     * the picker orders them, and a replica with prompts to prefill first counts them.
     */
    private static double level(Decision decision, int candidate, boolean work, double unit) {
        double load = decision.estimated(candidate);
        return work ? load + WorkScorer.workAhead(decision, candidate) / unit : load;
    }

    /**
     * Reads the index in order until the water's level is known; false when that takes too many
     * reads. {@code work}'s buckets are by work ahead, then load: within one amount of work the
     * levels rise, so the walk leaves an amount at its first bucket above the water, and stops at
     * the first amount whose work alone is.
     */
    private static boolean fillFromIndex(Basin basin, Decision decision, LoadIndex index, boolean work,
                                         PrefixHolders.Match holders, double unit) {
        index.lock(decision.nowNanos());
        try {
            int reads = 0;
            NavigableSet<LoadIndex.Bucket> buckets = work ? index.byWork() : index.byLoad();
            LoadIndex.Bucket bucket = buckets.isEmpty() ? null : buckets.first();
            while (bucket != null) {
                double floor = work ? bucket.second / unit : 0;
                if (floor >= basin.level()) {
                    return true;
                }
                double level = floor + bucket.estimated;
                if (level >= basin.level()) {
                    if (!work) {
                        return true;
                    }
                    bucket = buckets.higher(LoadIndex.Bucket.afterWork(bucket.second));
                    continue;
                }
                for (int i = 0; i < bucket.size(); i++) {
                    if (++reads > MAX_READ) {
                        return false;
                    }
                    LoadIndex.Slot slot = bucket.member(i);
                    if ((!work || holders.blocks(slot.endpoint()) == 0) && decision.passes(slot.endpoint(), slot.load())) {
                        basin.add(slot.endpoint(), slot.load(), level);
                    }
                }
                bucket = buckets.higher(bucket);
            }
            return basin.size > 0;
        } finally {
            index.unlock();
        }
    }

    /**
     * Pours the water over the decision's candidates, every one of them weighed (no index). The
     * level can rise at most the whole water above the lowest, so only the candidates below that
     * are gathered; the basin keeps them in order.
     */
    private static boolean fillFromCandidates(Basin basin, Decision decision, boolean work,
                                              PrefixHolders.Match holders, double unit) {
        int n = decision.size();
        double lowest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (!work || holders.blocks(decision.endpoint(i)) == 0) {
                lowest = Math.min(lowest, level(decision, i, work, unit));
            }
        }
        for (int i = 0; i < n; i++) {
            if (!work || holders.blocks(decision.endpoint(i)) == 0) {
                double level = level(decision, i, work, unit);
                if (level < lowest + basin.water) {
                    basin.add(decision.endpoint(i), decision.load(i), level);
                }
            }
        }
        return basin.size > 0;
    }
}
