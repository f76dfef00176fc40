package io.qgate.routing;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How the router weighs what it knows: the staleness limit of scraped metrics, the stale-metric
 * correction, prefix affinity, the scorers' weights and outlier ejection. Values are validated by
 * the gateway's configuration; defaults here are the documented ones.
 *
 * @param staleAfter          scraped metrics older than this are not trusted
 * @param queueCorrection     add dispatched-minus-finished since the scrape to the scraped load
 * @param prefixAffinity      prefer the replica that served the same prompt prefix
 * @param affinityMargin      ... unless its estimated load exceeds the lowest by more than this
 * @param prefixCacheSize     prefix block hashes remembered
 * @param ejectionFailures    consecutive failures that eject a replica (0: never)
 * @param ejectionBaseTime    the first ejection's length; doubled on each repeat
 * @param ejectionMaxTime     the longest ejection
 * @param weights             the queue strategy's scorer weights
 * @param sampleSize          how many replicas, picked at random, a scoring strategy weighs when
 *                            there are more (plus those a scorer names, such as a prefix's
 *                            holder); 0 weighs every replica
 */
public record RoutingSettings(Duration staleAfter, boolean queueCorrection, boolean prefixAffinity,
                              int affinityMargin, int prefixCacheSize, int ejectionFailures,
                              Duration ejectionBaseTime, Duration ejectionMaxTime, Weights weights,
                              int sampleSize) {

    /**
     * The sample measured: few enough that a decision over a thousand replicas costs well under a
     * microsecond. Not the default: in the fleet simulation at 1,000 replicas it routes as well as
     * the full scan with 100 ms scrapes or with peers, but with 1 s scrapes and no peers it let
     * p99 time to first token grow ninefold (docs/routing.md, "Decisions in constant time").
     */
    public static final int SAMPLE_SIZE = 16;

    /**
     * What each scorer of the queue strategy counts for; a weight of 0 leaves its scorer out.
     *
     * @param queue   the estimated engine queue: the main criterion
     * @param kvCache free KV cache: a tie-breaker among equally loaded replicas, never a reason to
     *                queue behind others
     * @param prefix  prefix affinity: above the largest difference the other two can make, so that
     *                affinity wins whenever its own load margin allows it
     * @param lora    LoRA adapter affinity (scores 1, 0.5 or 0): 2 puts the half step between an
     *                active adapter and a free slot, and between a free slot and a swap, above
     *                what queue and KV cache can differ by within the affinity margin, for the
     *                same reason as the prefix weight
     */
    public record Weights(double queue, double kvCache, double prefix, double lora) {

        public static final Weights DEFAULTS = new Weights(1.0, 0.1, 1.2, 2.0);

        public Weights {
            requireWeight("queue", queue);
            requireWeight("kvCache", kvCache);
            requireWeight("prefix", prefix);
            requireWeight("lora", lora);
        }

        private static void requireWeight(String name, double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException(name + ": " + weight + " (expected: a finite number >= 0)");
            }
        }
    }

    public RoutingSettings {
        requireNonNull(staleAfter, "staleAfter");
        requireNonNull(ejectionBaseTime, "ejectionBaseTime");
        requireNonNull(ejectionMaxTime, "ejectionMaxTime");
        requireNonNull(weights, "weights");
        if (sampleSize < 0) {
            throw new IllegalArgumentException("sampleSize: " + sampleSize + " (expected: >= 0)");
        }
    }

    /** Settings that weigh every replica. */
    public RoutingSettings(Duration staleAfter, boolean queueCorrection, boolean prefixAffinity, int affinityMargin,
                           int prefixCacheSize, int ejectionFailures, Duration ejectionBaseTime,
                           Duration ejectionMaxTime, Weights weights) {
        this(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize, ejectionFailures,
                ejectionBaseTime, ejectionMaxTime, weights, 0);
    }

    /** Settings with the default weights. */
    public RoutingSettings(Duration staleAfter, boolean queueCorrection, boolean prefixAffinity, int affinityMargin,
                           int prefixCacheSize, int ejectionFailures, Duration ejectionBaseTime,
                           Duration ejectionMaxTime) {
        this(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize, ejectionFailures,
                ejectionBaseTime, ejectionMaxTime, Weights.DEFAULTS);
    }

    public static RoutingSettings defaults() {
        return new RoutingSettings(Duration.ofSeconds(1), true, true, 2, 100_000, 5,
                Duration.ofSeconds(5), Duration.ofMinutes(2));
    }

    public RoutingSettings withQueueCorrection(boolean enabled) {
        return new RoutingSettings(staleAfter, enabled, prefixAffinity, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime, weights, sampleSize);
    }

    public RoutingSettings withPrefixAffinity(boolean enabled) {
        return new RoutingSettings(staleAfter, queueCorrection, enabled, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime, weights, sampleSize);
    }

    public RoutingSettings withEjection(int failures, Duration baseTime, Duration maxTime) {
        return new RoutingSettings(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize,
                failures, baseTime, maxTime, weights, sampleSize);
    }

    public RoutingSettings withWeights(Weights newWeights) {
        return new RoutingSettings(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime, newWeights, sampleSize);
    }

    /** These settings weighing a random {@code size} of the replicas; 0 weighs every one. */
    public RoutingSettings withSampleSize(int size) {
        return new RoutingSettings(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime, weights, size);
    }
}
