package io.qgate.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * A way of routing composed of named parts, as GIE's scheduler profile: filters narrow the
 * candidates, weighted scorers grade them, a picker chooses. {@link Strategies} builds the
 * configured ones by name.
 */
public final class RoutingStrategy {

    /** A scorer and what its scores count for in the total. */
    public record WeightedScorer(Scorer scorer, double weight) {
        public WeightedScorer {
            requireNonNull(scorer, "scorer");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight of " + scorer.name() + ": " + weight
                        + " (expected: a finite number > 0)");
            }
        }
    }

    private final String name;
    private final Filter[] filters;
    private final Scorer[] scorers;
    private final double[] weights;
    private final Picker picker;
    private final WorkModel workModel;
    private final int sampleSize;
    private final Supplier<RandomGenerator> random;
    private final Indexing indexing;
    /** What {@link #indexing} would be without {@link #withoutIndex}: kept so the full scan spreads as the index does. */
    private final Indexing scanIndexing;
    /** The order a pick is spread over when peers have requests on their way ({@link HerdSpread}); null for none. */
    private final LoadIndex.Order spreadOrder;

    /**
     * How a strategy's decisions read the load index instead of every replica: the order, and
     * for {@code queue} the weights of its queue and KV-cache scorers, which bound what a replica
     * can total.
     */
    record Indexing(LoadIndex.Order order, double queueWeight, double kvWeight) {}

    /** Replicas up to which a decision weighs every one even with an index: as cheap, and nothing to prove. */
    static final int INDEXED_ABOVE = 32;

    public RoutingStrategy(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker) {
        this(name, filters, scorers, picker, null);
    }

    public RoutingStrategy(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                           WorkModel workModel) {
        this(name, filters, scorers, picker, workModel, 0, Strategies.THREAD_LOCAL_RANDOM);
    }

    /**
     * @param workModel what the strategy's scorers estimate work with, so that the router books
     *                  each request's work on the replica it picks; null when no scorer reads work
     * @param sampleSize  how many random candidates the scorers weigh when there are more
     *                    ({@link RoutingSettings#sampleSize()}); 0 for all of them
     * @param random      where the sample is drawn from
     */
    public RoutingStrategy(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                           WorkModel workModel, int sampleSize, Supplier<RandomGenerator> random) {
        this(name, filters, scorers, picker, workModel, sampleSize, random, null);
    }

    /** @param indexing how decisions read the load index ({@link Strategies} knows which strategies can); null for none */
    RoutingStrategy(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                    WorkModel workModel, int sampleSize, Supplier<RandomGenerator> random, Indexing indexing) {
        this(name, filters, scorers, picker, workModel, sampleSize, random, indexing, false, true);
    }

    /**
     * @param scan   whether decisions weigh every replica even though the strategy could read an index
     * @param spread whether picks are spread when peers have requests on their way ({@link HerdSpread})
     */
    private RoutingStrategy(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                            WorkModel workModel, int sampleSize, Supplier<RandomGenerator> random, Indexing indexing,
                            boolean scan, boolean spread) {
        this.indexing = sampleSize > 0 || scan ? null : indexing;
        // A sample has too few replicas to pour over; the full scan spreads as the index does.
        this.spreadOrder = sampleSize > 0 || indexing == null || !spread ? null : indexing.order();
        this.scanIndexing = indexing;
        if (sampleSize < 0) {
            throw new IllegalArgumentException("sampleSize: " + sampleSize + " (expected: >= 0)");
        }
        this.sampleSize = sampleSize;
        this.random = requireNonNull(random, "random");
        this.workModel = workModel;
        this.name = requireNonNull(name, "name");
        this.filters = filters.toArray(new Filter[0]);
        this.scorers = scorers.stream().map(WeightedScorer::scorer).toArray(Scorer[]::new);
        this.weights = scorers.stream().mapToDouble(WeightedScorer::weight).toArray();
        this.picker = requireNonNull(picker, "picker");
    }

    /**
     * Runs the parts on {@code decision}: the index of the chosen candidate, or -1 when the
     * filters kept none. A single candidate is not scored: there is nothing to weigh.
     */
    int choose(Decision decision) {
        if (scorers.length > 0 && sampleSize > 0 && decision.size() > sampleSize) {
            decision.sample(sampleSize, random.get());
            if (!nominate(decision)) {
                decision.widen();
            }
        } else if (indexing != null && decision.size() > INDEXED_ABOVE && decision.table().index() != null) {
            if (!fromIndex(decision, decision.table().index()) || !nominate(decision)) {
                decision.widen();
            }
        }
        if (!filter(decision) && decision.sampled()) {
            // The filters emptied the sample (or gave way in it): the rest of the fleet may still qualify.
            decision.widen();
            filter(decision);
        }
        if (decision.size() == 0) {
            return -1;
        }
        if (scorers.length > 0 && decision.size() > 1) {
            decision.score(scorers, weights);
        }
        int chosen = picker.pick(decision);
        if (spreadOrder == null) {
            return chosen;
        }
        double unseen = decision.table().peerPace().unseen(decision.nowNanos());
        return HerdSpread.spread(decision, chosen, spreadOrder, unseen, workModel, random.get());
    }

    private boolean fromIndex(Decision decision, LoadIndex index) {
        return indexing.order() == LoadIndex.Order.QUEUE
                ? IndexedCandidates.queue(decision, index, filters, indexing.queueWeight(), indexing.kvWeight(),
                        random.get())
                : IndexedCandidates.work(decision, index, filters, workModel, random.get());
    }

    /** Runs every filter; false when one of them kept no candidate. */
    private boolean filter(Decision decision) {
        boolean kept = true;
        for (Filter filter : filters) {
            kept &= decision.filter(filter);
        }
        return kept;
    }

    /** Lets each scorer add the replicas it favours to a sampled decision; false when one must see them all. */
    private boolean nominate(Decision decision) {
        for (Scorer scorer : scorers) {
            if (scorer.applies(decision) && !scorer.nominate(decision)) {
                return false;
            }
        }
        return true;
    }

    /** Tells the scorers where the request went, once it was sent at {@code nowNanos}. */
    void picked(RouteRequest request, Endpoint chosen, long nowNanos) {
        for (Scorer scorer : scorers) {
            scorer.picked(request, chosen, nowNanos);
        }
        if (workModel != null) {
            workModel.picked(request, chosen);
        }
    }

    /** How decisions read the load index, or null when they weigh every replica or a sample. */
    Indexing indexing() {
        return indexing;
    }

    /**
     * The same strategy weighing every replica in every decision: the full scan the load index is
     * measured against, kept for the benchmarks.
     */
    public RoutingStrategy withoutIndex() {
        return new RoutingStrategy(name, List.of(filters), weightedScorers(), picker, workModel, sampleSize, random,
                scanIndexing, true, spreadOrder != null);
    }

    /**
     * The same strategy without the herd spread: with peers, every gateway takes what it sees as
     * the best replica. Kept for the benchmarks, as the baseline the spread is measured against.
     */
    public RoutingStrategy withoutSpread() {
        return new RoutingStrategy(name, List.of(filters), weightedScorers(), picker, workModel, sampleSize, random,
                scanIndexing, indexing == null, false);
    }

    private List<WeightedScorer> weightedScorers() {
        List<WeightedScorer> list = new ArrayList<>();
        for (int k = 0; k < scorers.length; k++) {
            list.add(new WeightedScorer(scorers[k], weights[k]));
        }
        return list;
    }

    /** The work model of the strategy's scorers, or null when none reads work. */
    WorkModel workModel() {
        return workModel;
    }

    /** The name of the strategy, as configured and logged. */
    public String name() {
        return name;
    }

    /** The scorers' names in order: the order of a {@link ScoreCard}'s values. */
    public List<String> scorerNames() {
        return Arrays.stream(scorers).map(Scorer::name).toList();
    }

    /** Whether a scorer reads the request's prompt prefix hashes: only then are prompts hashed. */
    public boolean usesPrefixes() {
        return workModel != null || Arrays.stream(scorers).anyMatch(PrefixAffinityScorer.class::isInstance);
    }

    /** The parts, e.g. {@code queue [excluded, served-model, ejected] [queue: 1.0, kv-cache: 0.1] max-score}. */
    @Override
    public String toString() {
        StringBuilder parts = new StringBuilder(name).append(' ')
                .append(Arrays.stream(filters).map(Filter::name).toList()).append(" [");
        for (int k = 0; k < scorers.length; k++) {
            parts.append(k == 0 ? "" : ", ").append(scorers[k].name()).append(": ").append(weights[k]);
        }
        return parts.append("] ").append(picker.name()).toString();
    }
}
