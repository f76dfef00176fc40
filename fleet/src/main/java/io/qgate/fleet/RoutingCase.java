package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.config.Units;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One routing configuration of the fleet-scale comparison.
 *
 * @param replicas       ready replicas
 * @param gateways       gateway instances sharing them (ignored by the oracle)
 * @param policy         {@code oracle}, {@code partition} (a bound: {@link Oracle}), {@code queue}, {@code queue-uncorrected}, {@code queue-sampled} (queue
 *                       weighing a random sample of {@value RoutingSettings#SAMPLE_SIZE} replicas), {@code queue-full-scan}
 *                       (queue weighing every replica in every decision instead of reading the load index),
 *                       {@code queue-no-spread} (queue without the herd spread of gateways with peers), {@code work},
 *                       {@code work-full-scan}, {@code work-no-spread}, {@code predicted},
 *                       {@code llmd-default}, {@code llmd-queue-kv}, {@code least-inflight},
 *                       {@code round-robin} or {@code random}
 * @param scrapeInterval how often each gateway scrapes each engine; null for policies that read no scrapes
 */
public record RoutingCase(int replicas, int gateways, String policy, Duration scrapeInterval) {

    public static final List<String> POLICIES = List.of("oracle", "partition", "queue", "queue-uncorrected", "queue-sampled",
            "queue-full-scan", "queue-no-spread", "work", "work-full-scan", "work-no-spread", "predicted",
            "llmd-default", "llmd-queue-kv", "least-inflight", "round-robin", "random");

    /** The policies that read no engine scrapes. */
    private static final List<String> BLIND = List.of("oracle", "partition", "least-inflight", "round-robin", "random");

    public RoutingCase {
        requireNonNull(policy, "policy");
        if (!POLICIES.contains(policy)) {
            throw new IllegalArgumentException("policy: " + policy + " (expected: one of " + POLICIES + ")");
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: > 0)");
        }
        if (gateways < 1) {
            throw new IllegalArgumentException("gateways: " + gateways + " (expected: > 0)");
        }
        if (scrapes(policy) != (scrapeInterval != null)) {
            throw new IllegalArgumentException("scrapeInterval: " + scrapeInterval + " (expected: "
                    + (scrapes(policy) ? "a duration for " : "none for ") + policy + ")");
        }
    }

    /** Whether the policy reads engine scrapes. */
    public static boolean scrapes(String policy) {
        return !BLIND.contains(policy);
    }

    public boolean oracle() {
        return policy.equals("oracle");
    }

    /** Whether the policy is a bound computed with perfect knowledge, not gateways routing: it counts as one gateway. */
    public boolean bound() {
        return bound(policy);
    }

    /** Whether {@code policy} is a bound rather than gateways routing. */
    public static boolean bound(String policy) {
        return policy.equals("oracle") || policy.equals("partition");
    }

    /** The {@code routing.strategy} name the gateway is configured with. */
    String strategy() {
        return policy.startsWith("queue") ? "queue" : policy.startsWith("work") ? "work" : policy;
    }

    /**
     * The strategy as this case runs it: weighing every replica in every decision instead of
     * reading the load index (what the index is measured against), without the herd spread (what
     * the spread is measured against), or as configured.
     */
    UnaryOperator<RoutingStrategy> variant() {
        if (policy.endsWith("-full-scan")) {
            return RoutingStrategy::withoutIndex;
        }
        return policy.endsWith("-no-spread") ? RoutingStrategy::withoutSpread : UnaryOperator.identity();
    }

    /**
     * The router's settings: the defaults (prefix affinity on, as it is by default: it changes
     * nothing where requests share no prefixes), and a staleness limit of at least twice the scrape interval, as anyone scraping
     * slower than the 1 s default limit would have to configure.
     */
    RoutingSettings settings() {
        Duration staleAfter = Duration.ofSeconds(1);
        if (scrapeInterval != null && scrapeInterval.multipliedBy(2).compareTo(staleAfter) > 0) {
            staleAfter = scrapeInterval.multipliedBy(2);
        }
        RoutingSettings defaults = RoutingSettings.defaults();
        return new RoutingSettings(staleAfter, !policy.equals("queue-uncorrected"), true,
                defaults.affinityMargin(), defaults.prefixCacheSize(), defaults.ejectionFailures(),
                defaults.ejectionBaseTime(), defaults.ejectionMaxTime(), defaults.weights(),
                policy.equals("queue-sampled") ? RoutingSettings.SAMPLE_SIZE : defaults.sampleSize());
    }

    public String label() {
        String who = oracle() ? "oracle" : policy + (scrapeInterval == null ? "" : " @" + Units.format(scrapeInterval));
        return who + ", " + replicas + " replicas" + (oracle() ? "" : ", " + gateways + " gateway" + (gateways > 1 ? "s" : ""));
    }
}
