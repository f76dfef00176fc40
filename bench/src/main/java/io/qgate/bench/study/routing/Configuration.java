package io.qgate.bench.study.routing;

import io.qgate.bench.harness.RoutingTier;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the comparison: how the gateways route and which load they get.
 *
 * @param name           the row's label, unique in the report
 * @param strategy       {@code routing.strategy}
 * @param correction     {@code routing.queue-correction}
 * @param affinity       {@code routing.prefix-affinity}
 * @param scrapeInterval modelled scrape interval, or {@code null} for strategies that do not read engine metrics
 * @param sharedPrefixes whether requests carry tenants' system prompts (the prefix-affinity part)
 * @param launcher       starts a peer proxy's tier instead of qgate's, or {@code null} for qgate
 */
public record Configuration(String name, String strategy, boolean correction, boolean affinity,
                            Duration scrapeInterval, boolean sharedPrefixes, RoutingTier.Launcher launcher) {

    /** How often the gateways scrape when the strategy ignores the result: the production default. */
    static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMillis(100);

    /** Metrics this many intervals old are still used: two scrapes may fail before routing falls back. */
    private static final int STALE_AFTER_INTERVALS = 3;

    public Configuration {
        requireNonNull(name, "name");
        requireNonNull(strategy, "strategy");
    }

    /** A row routed by qgate. */
    Configuration(String name, String strategy, boolean correction, boolean affinity, Duration scrapeInterval,
                  boolean sharedPrefixes) {
        this(name, strategy, correction, affinity, scrapeInterval, sharedPrefixes, null);
    }

    /** A row routed by another proxy, on the plain workload; {@code strategy} names its balancing. */
    public static Configuration peer(String name, String strategy, RoutingTier.Launcher launcher) {
        return new Configuration(name, strategy, false, false, null, false, requireNonNull(launcher, "launcher"));
    }

    /** Whether qgate routes this row (not a peer proxy). */
    boolean qgate() {
        return launcher == null;
    }

    /** Whether the strategy reads the engines' metrics, so that the scrape interval matters. */
    boolean scrapes() {
        return scrapeInterval != null;
    }

    /**
     * The gateway settings, with every scrape duration multiplied by the time scale: the engines
     * run {@code 1 / timeScale} times faster than modelled, so a scrape must come as much more
     * often for its lag to be worth the same number of modelled requests.
     */
    Map<String, String> gatewaySettings(String endpoints, double timeScale) {
        Duration interval = scale(scrapes() ? scrapeInterval : DEFAULT_SCRAPE_INTERVAL, timeScale);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("admin.port", "0");
        settings.put("server.io-threads", "1");
        settings.put("endpoints", endpoints);
        settings.put("shutdown.delay", "0s");
        settings.put("routing.strategy", strategy);
        settings.put("routing.queue-correction", Boolean.toString(correction));
        settings.put("routing.prefix-affinity", Boolean.toString(affinity));
        settings.put("scrape.interval", millis(interval));
        // Below the interval, as the gateway requires, yet not so tight that a busy core fails it.
        settings.put("scrape.timeout", millis(interval.multipliedBy(4).dividedBy(5)));
        // The 1 s rows are about routing on old metrics; the gateway's 1 s default would have them
        // fall back to in-flight counts half of the time instead.
        settings.put("scrape.stale-after", millis(interval.multipliedBy(STALE_AFTER_INTERVALS)));
        return settings;
    }

    private static Duration scale(Duration modelled, double timeScale) {
        return Duration.ofNanos(Math.max(1_000_000, Math.round(modelled.toNanos() * timeScale)));
    }

    private static String millis(Duration duration) {
        return (duration.toNanos() / 1000) / 1000.0 + "ms";
    }
}
