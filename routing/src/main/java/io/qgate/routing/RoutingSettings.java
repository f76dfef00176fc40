package io.qgate.routing;

import java.time.Duration;

/**
 * How the router weighs what it knows: the staleness limit of scraped metrics, the stale-metric
 * correction, prefix affinity and outlier ejection. Values are validated by the gateway's
 * configuration; defaults here are the documented ones.
 *
 * @param staleAfter          scraped metrics older than this are not trusted
 * @param queueCorrection     add dispatched-minus-finished since the scrape to the scraped load
 * @param prefixAffinity      prefer the replica that served the same prompt prefix
 * @param affinityMargin      ... unless its estimated load exceeds the lowest by more than this
 * @param prefixCacheSize     prefix block hashes remembered
 * @param ejectionFailures    consecutive failures that eject a replica (0: never)
 * @param ejectionBaseTime    the first ejection's length; doubled on each repeat
 * @param ejectionMaxTime     the longest ejection
 */
public record RoutingSettings(Duration staleAfter, boolean queueCorrection, boolean prefixAffinity,
                              int affinityMargin, int prefixCacheSize, int ejectionFailures,
                              Duration ejectionBaseTime, Duration ejectionMaxTime) {

    public static RoutingSettings defaults() {
        return new RoutingSettings(Duration.ofSeconds(1), true, true, 2, 100_000, 5,
                Duration.ofSeconds(5), Duration.ofMinutes(2));
    }

    public RoutingSettings withQueueCorrection(boolean enabled) {
        return new RoutingSettings(staleAfter, enabled, prefixAffinity, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime);
    }

    public RoutingSettings withPrefixAffinity(boolean enabled) {
        return new RoutingSettings(staleAfter, queueCorrection, enabled, affinityMargin, prefixCacheSize,
                ejectionFailures, ejectionBaseTime, ejectionMaxTime);
    }

    public RoutingSettings withEjection(int failures, Duration baseTime, Duration maxTime) {
        return new RoutingSettings(staleAfter, queueCorrection, prefixAffinity, affinityMargin, prefixCacheSize,
                failures, baseTime, maxTime);
    }
}
