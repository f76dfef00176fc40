package io.qgate.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The one place that maps a strategy's name to its parts: the filters of {@link Filters}, the
 * scorers of {@link Scorers}, {@link PrefixAffinityScorer} and {@link LoraAffinityScorer} with their configured weights, a
 * picker of {@link Pickers}. Add a strategy here and its name to {@link #NAMES}.
 */
public final class Strategies {

    public static final String QUEUE = "queue";
    public static final String LEAST_INFLIGHT = "least-inflight";
    public static final String ROUND_ROBIN = "round-robin";
    public static final String RANDOM = "random";
    public static final String WORK = "work";
    public static final String PREDICTED = "predicted";
    public static final String LLMD_DEFAULT = "llmd-default";
    public static final String LLMD_QUEUE_KV = "llmd-queue-kv";

    /** The names {@code routing.strategy} takes. */
    public static final List<String> NAMES = List.of(QUEUE, WORK, PREDICTED, LEAST_INFLIGHT, ROUND_ROBIN, RANDOM,
            LLMD_DEFAULT, LLMD_QUEUE_KV);

    /** Tokens in one hashed prompt block, for strategies that read work: the gateway's default 64 characters. */
    public static final int DEFAULT_BLOCK_TOKENS = 16;

    /** The randomness of the production pickers: per thread, no contention. */
    public static final Supplier<RandomGenerator> THREAD_LOCAL_RANDOM = ThreadLocalRandom::current;

    private Strategies() {
    }

    /** The strategy called {@code name} in the configuration. */
    public static RoutingStrategy named(String name, RoutingSettings settings, Supplier<RandomGenerator> random) {
        return switch (name) {
            case QUEUE -> queue(settings, random);
            case LEAST_INFLIGHT -> leastInflight(random);
            case ROUND_ROBIN -> roundRobin();
            case RANDOM -> random(random);
            case WORK -> work(settings, DEFAULT_BLOCK_TOKENS, random);
            case PREDICTED -> predicted(settings, DEFAULT_BLOCK_TOKENS, random);
            case LLMD_DEFAULT -> llmdDefault(settings, DEFAULT_BLOCK_TOKENS, random);
            case LLMD_QUEUE_KV -> llmdQueueKv(random);
            default -> throw new IllegalArgumentException("routing.strategy: " + name
                    + " (expected: one of " + NAMES + ")");
        };
    }

    /**
     * The default: estimated engine queue (scraped and corrected), KV-cache use and, when
     * {@code settings.prefixAffinity()}, prefix affinity, and LoRA adapter affinity (which runs only
     * for a request whose model is an adapter some replica reported), weighted by
     * {@code settings.weights()}; the best total with a random tie-break. A scorer of weight 0 is
     * left out. Over more than {@code settings.sampleSize()} replicas it weighs a random sample
     * and the prefix's holder (an adapter's request weighs all, see {@link LoraAffinityScorer}).
     */
    public static RoutingStrategy queue(RoutingSettings settings, Supplier<RandomGenerator> random) {
        RoutingSettings.Weights weights = settings.weights();
        List<RoutingStrategy.WeightedScorer> scorers = new ArrayList<>();
        add(scorers, Scorers.QUEUE, weights.queue());
        add(scorers, Scorers.KV_CACHE, weights.kvCache());
        if (settings.prefixAffinity()) {
            add(scorers, new PrefixAffinityScorer(new PrefixIndex(settings.prefixCacheSize())), weights.prefix());
        }
        add(scorers, new LoraAffinityScorer(), weights.lora());
        // The index's bound needs the queue term: without it every replica is weighed.
        RoutingStrategy.Indexing indexing = weights.queue() > 0
                ? new RoutingStrategy.Indexing(LoadIndex.Order.QUEUE, weights.queue(), weights.kvCache()) : null;
        return new RoutingStrategy(settings.queueCorrection() ? QUEUE : QUEUE + " (uncorrected)", Filters.ALL, scorers,
                Pickers.maxScore(random), null, settings.sampleSize(), random, indexing);
    }

    /**
     * Least estimated work to the first token ({@link WorkScorer}): prefill not cached on the
     * replica plus what is queued ahead of it there, in tokens; for a LoRA adapter's request, the
     * adapter's affinity as in {@link #queue} ({@code routing.weights.lora}); among near-equals
     * the fewest requests in the engine, then at random.
     *
     * @param blockTokens tokens in one hashed prompt block
     */
    public static RoutingStrategy work(RoutingSettings settings, int blockTokens, Supplier<RandomGenerator> random) {
        WorkModel model = new WorkModel(settings.prefixCacheSize(), blockTokens);
        List<RoutingStrategy.WeightedScorer> scorers = new ArrayList<>();
        scorers.add(new RoutingStrategy.WeightedScorer(new WorkScorer(model), 1.0));
        // As in queue: a request for an adapter goes where the adapter runs or has a slot, unless
        // that replica is much busier; a request for any other model skips it.
        add(scorers, new LoraAffinityScorer(), settings.weights().lora());
        return new RoutingStrategy(WORK, Filters.ALL, scorers, Pickers.maxScoreThenLeastLoaded(random), model,
                settings.sampleSize(), random, new RoutingStrategy.Indexing(LoadIndex.Order.WORK, 0, 0));
    }

    /**
     * Lowest predicted time to first token ({@link PredictedScorer}): the work ahead, in seconds by
     * each replica's own fitted speed; among near-equals the fewest requests, then at random.
     */
    public static RoutingStrategy predicted(RoutingSettings settings, int blockTokens,
                                            Supplier<RandomGenerator> random) {
        WorkModel model = new WorkModel(settings.prefixCacheSize(), blockTokens);
        return new RoutingStrategy(PREDICTED, Filters.ALL, List.of(new RoutingStrategy.WeightedScorer(
                new PredictedScorer(model), 1.0)), Pickers.maxScoreThenLeastLoaded(random), model,
                settings.sampleSize(), random);
    }

    /**
     * A baseline: llm-d's current default reimplemented from its public description ({@link
     * LlmdBaselines}): prefix affinity until the replica saturates, then token load. Like llm-d,
     * and like the other baseline, it weighs every replica: no sample. The prefix
     * weight 2 over the token load's 1 makes an unsaturated holder of the prefix win outright.
     */
    public static RoutingStrategy llmdDefault(RoutingSettings settings, int blockTokens,
                                              Supplier<RandomGenerator> random) {
        WorkModel model = new WorkModel(settings.prefixCacheSize(), blockTokens);
        return new RoutingStrategy(LLMD_DEFAULT, Filters.ALL, List.of(
                new RoutingStrategy.WeightedScorer(LlmdBaselines.prefixUntilSaturated(model), 2.0),
                new RoutingStrategy.WeightedScorer(LlmdBaselines.TOKEN_LOAD, 1.0)), Pickers.maxScore(random), model);
    }

    /** A baseline: llm-d's earlier queue + KV-cache blend, reimplemented ({@link LlmdBaselines}). */
    public static RoutingStrategy llmdQueueKv(Supplier<RandomGenerator> random) {
        return new RoutingStrategy(LLMD_QUEUE_KV, Filters.ALL, List.of(
                new RoutingStrategy.WeightedScorer(LlmdBaselines.QUEUE, 1.0),
                new RoutingStrategy.WeightedScorer(Scorers.KV_CACHE, 1.0)), Pickers.maxScore(random));
    }

    private static void add(List<RoutingStrategy.WeightedScorer> scorers, Scorer scorer, double weight) {
        if (weight > 0) {
            scorers.add(new RoutingStrategy.WeightedScorer(scorer, weight));
        }
    }

    /** Power of two choices on the gateway's own in-flight counts: a baseline that scrapes nothing. */
    public static RoutingStrategy leastInflight(Supplier<RandomGenerator> random) {
        return new RoutingStrategy(LEAST_INFLIGHT, Filters.ALL, List.of(), Pickers.leastInflight(random));
    }

    /** Each candidate in turn: a baseline. */
    public static RoutingStrategy roundRobin() {
        return new RoutingStrategy(ROUND_ROBIN, Filters.ALL, List.of(), Pickers.roundRobin());
    }

    /** Uniformly at random: a baseline. */
    public static RoutingStrategy random(Supplier<RandomGenerator> random) {
        return new RoutingStrategy(RANDOM, Filters.ALL, List.of(), Pickers.random(random));
    }
}
