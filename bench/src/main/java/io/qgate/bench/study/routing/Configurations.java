package io.qgate.bench.study.routing;

import java.time.Duration;
import java.util.List;

/** The rows of the comparison, in report order. */
final class Configurations {

    static final String ROUND_ROBIN = "round-robin";
    static final String LEAST_INFLIGHT = "least-inflight";
    static final String QUEUE_100MS = "queue, 100 ms";
    static final String UNCORRECTED_100MS = "queue uncorrected, 100 ms";
    static final String QUEUE_1S = "queue, 1 s";
    static final String UNCORRECTED_1S = "queue uncorrected, 1 s";
    static final String PREFIX_QUEUE = "prefixes: queue, 100 ms";
    static final String PREFIX_AFFINITY = "prefixes: queue + affinity, 100 ms";

    private static final Duration FAST = Duration.ofMillis(100);
    private static final Duration SLOW = Duration.ofSeconds(1);

    private Configurations() {}

    /**
     * Load-aware routing against the blind strategies. Prefix affinity is off throughout, so that
     * the rows differ in the load estimate only; round-robin and least-inflight read no metrics
     * and so run once.
     */
    static List<Configuration> loadAware() {
        return List.of(
                new Configuration(ROUND_ROBIN, "round-robin", false, false, null, false),
                new Configuration(LEAST_INFLIGHT, "least-inflight", false, false, null, false),
                new Configuration(QUEUE_100MS, "queue", true, false, FAST, false),
                new Configuration(UNCORRECTED_100MS, "queue", false, false, FAST, false),
                new Configuration(QUEUE_1S, "queue", true, false, SLOW, false),
                new Configuration(UNCORRECTED_1S, "queue", false, false, SLOW, false));
    }

    /** Tenants' shared system prompts: queue routing without and with prefix affinity. */
    static List<Configuration> sharedPrefixes() {
        return List.of(
                new Configuration(PREFIX_QUEUE, "queue", true, false, FAST, true),
                new Configuration(PREFIX_AFFINITY, "queue", true, true, FAST, true));
    }

    /**
     * Named strategies side by side on the workload as given, each with the defaults of its
     * settings (prefix affinity on, the correction on, 100 ms scrapes); the workload's own shared
     * contexts, if any, lead the prompts.
     */
    static List<Configuration> policies(List<String> strategies) {
        return strategies.stream().map(strategy -> new Configuration(strategy, strategy, true, true, FAST, false))
                .toList();
    }

    /** The sweep's rows on the plain workload: the blind strategies and queue routing with and without correction. */
    static List<Configuration> sweepLoadAware() {
        return List.of(
                new Configuration("round-robin", "round-robin", false, false, null, false),
                new Configuration("least-inflight", "least-inflight", false, false, null, false),
                new Configuration("queue", "queue", true, false, FAST, false),
                new Configuration("queue uncorrected", "queue", false, false, FAST, false));
    }

    /** The sweep's rows on the shared-prefix workload. */
    static List<Configuration> sweepPrefixes() {
        return List.of(
                new Configuration("prefixes: queue", "queue", true, false, FAST, true),
                new Configuration("prefixes: queue + affinity", "queue", true, true, FAST, true));
    }

    /** The unmeasured run that warms the JIT of every component before the first row. */
    static Configuration warmup() {
        return new Configuration("warm-up", "round-robin", false, false, null, false);
    }
}
