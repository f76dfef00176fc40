package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Sleep;
import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.GatewayTier;
import io.qgate.bench.harness.RoutingTier;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;

/**
 * Runs the routing comparison: measures the fleet's capacity, warms up, then gives every
 * configuration a fresh fleet and gateway tier and the same Poisson load, split equally over the
 * gateways.
 */
public final class RoutingScenario {

    /** Seeds of the generators sit apart from the replicas' and the capacity run's. */
    private static final long GENERATOR_SEED_STRIDE = 1000;

    private RoutingScenario() {}

    public static ScenarioReport run(ScenarioOptions options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        progress.printf(Locale.ROOT, "routing scenario: %d gateways, %d replicas (max-num-seqs %d), time scale %s "
                        + "(1 modelled second = %.0f ms of wall clock), %s%n", options.gateways(), options.replicas(),
                options.maxNumSeqs(), options.timeScale(), 1000 * options.timeScale(),
                options.quick() ? "quick" : "full");

        Capacity capacity;
        if (options.fixedCapacity() > 0) {
            capacity = Capacity.given(options.fixedCapacity());
            progress.printf(Locale.ROOT, "phase 1/4: capacity given: %.2f requests per modelled second%n",
                    capacity.modelledRps());
        } else {
            progress.println("phase 1/4: measuring the fleet's capacity");
            capacity = CapacityProbe.measure(options, progress);
        }
        double offered = capacity.modelledRps() * options.load();
        progress.printf(Locale.ROOT, "offered load: %.2f requests per modelled second (%.0f%% of capacity), "
                + "%.2f per gateway%n", offered, 100 * options.load(), offered / options.gateways());

        if (!options.warmup().isZero()) {
            progress.println("phase 2/4: warming up (unmeasured)");
            runConfiguration(Configurations.warmup(), options, offered, options.warmup(), progress);
        }

        List<RowResult> rows = new ArrayList<>();
        if (options.rows().equals("policies")) {
            progress.printf(Locale.ROOT, "phase 3/3: policies %s on %s%n", options.policies(), options.workload().name());
            for (Configuration configuration : Configurations.policies(options.policies())) {
                rows.add(measure(configuration, options, offered, progress));
            }
            return finish(options, startedAt, start, capacity, offered, rows, progress);
        }
        progress.println("phase 3/4: load-aware routing against round-robin and least-inflight");
        for (Configuration configuration : options.rows().equals("prefixes") ? List.<Configuration>of()
                : Configurations.loadAware()) {
            rows.add(measure(configuration, options, offered, progress));
        }
        progress.printf(Locale.ROOT, "phase 4/4: shared prefixes (%d tenants, %d per gateway, %d-token system "
                        + "prompts)%n", options.tenantsPerGateway() * options.gateways(), options.tenantsPerGateway(),
                options.systemPromptTokens());
        for (Configuration configuration : options.rows().equals("load-aware") ? List.<Configuration>of()
                : Configurations.sharedPrefixes()) {
            rows.add(measure(configuration, options, offered, progress));
        }
        return finish(options, startedAt, start, capacity, offered, rows, progress);
    }

    private static ScenarioReport finish(ScenarioOptions options, Instant startedAt, long start, Capacity capacity,
                                         double offered, List<RowResult> rows, PrintStream progress) {
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "done in %.0f s%n", wallSeconds);
        return new ScenarioReport(options, startedAt, wallSeconds, capacity, offered, rows, Ratios.of(rows));
    }

    private static RowResult measure(Configuration configuration, ScenarioOptions options, double offered,
                                     PrintStream progress) {
        TierRun run = runConfiguration(configuration, options, offered, options.duration(), progress);
        RowResult row = RowResult.of(configuration, run, offered, options.timeScale());
        progress.printf(Locale.ROOT, "  %-36s TTFT p50 %7.1f p99 %8.1f ms, E2E p99 %8.1f ms, %.2f req/s, "
                        + "%.0f output tokens/s, %d requests, %d errors%n", row.name(), row.ttft().p50(), row.ttft().p99(),
                row.e2e().p99(), row.throughputRps(), row.outputTokensPerSecond(), row.requests(), row.errors());
        return row;
    }

    static TierRun runConfiguration(Configuration configuration, ScenarioOptions options, double offered,
                                    Duration modelled, PrintStream progress) {
        return runConfiguration(configuration, options, offered, modelled, progress, fleet -> configuration.qgate()
                ? GatewayTier.start(options.gateways(), configuration.gatewaySettings(fleet.endpoints(),
                        options.timeScale()))
                : configuration.launcher().start(options.gateways(), fleet.ports()));
    }

    /** As above, on the tier {@code tierOf} starts in front of the fresh fleet. */
    static TierRun runConfiguration(Configuration configuration, ScenarioOptions options, double offered,
                                    Duration modelled, PrintStream progress, Function<Fleet, RoutingTier> tierOf) {
        Duration wall = options.wall(modelled);
        try (Fleet fleet = Fleet.start(options.simReplicas());
             RoutingTier tier = tierOf.apply(fleet)) {
            if (configuration.scrapes()) {
                // Let the first scrapes land, so that no row starts routing on empty metrics.
                Sleep.millis(2 * options.wall(configuration.scrapeInterval()).toMillis() + 1);
            }
            List<String> urls = tier.urls();
            double wallRatePerGateway = offered / options.timeScale() / urls.size();
            List<LoadResult> results = SplitLoad.run(urls, i -> LoadOptions.builder()
                            .url(urls.get(i))
                            .rate(wallRatePerGateway)
                            .duration(wall)
                            .stream(true)
                            .workload(options.workload())
                            .tenants(configuration.sharedPrefixes() ? options.tenantsPerGateway() : 0)
                            .systemPromptTokens(options.systemPromptTokens())
                            // Every configuration replays the same arrivals and lengths.
                            .seed(options.seed() + GENERATOR_SEED_STRIDE * (i + 1))
                            .drainTimeout(options.drainTimeout())
                            .quiet(true)
                            .build(),
                    fleet, configuration.name(), wall, progress);
            return new TierRun(tier.picker(), results);
        }
    }
}
