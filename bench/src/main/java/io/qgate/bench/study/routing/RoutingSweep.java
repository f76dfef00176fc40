package io.qgate.bench.study.routing;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.load.LoadResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The routing comparison swept over loads and tier sizes: the fleet's capacity is measured once,
 * then every configuration (qgate's strategies and any peer proxies) runs at each load with one
 * and with several instances sharing a fresh fleet, exactly as a row of {@link RoutingScenario}
 * does. Queue routing with and without prefix affinity runs on the shared-prefix workload, the
 * others on the plain one.
 */
public final class RoutingSweep {

    /** Percentiles at which the TTFT distribution is kept for CDF plots. */
    private static final double[] CDF_PERCENTILES = {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80,
        85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.5, 99.9, 100};

    private RoutingSweep() {}

    /**
     * @param base  fleet, workload, durations and seed; its load and gateway count are overridden per row
     * @param loads fractions of capacity
     * @param tiers instance counts
     * @param peers rows routed by other proxies, on the plain workload
     */
    public record Options(ScenarioOptions base, List<Double> loads, List<Integer> tiers, List<Configuration> peers) {
        public Options {
            requireNonNull(base, "base");
            loads = List.copyOf(loads);
            tiers = List.copyOf(tiers);
            peers = List.copyOf(peers);
            if (loads.isEmpty() || tiers.isEmpty()) {
                throw new IllegalArgumentException("loads, tiers: " + loads + ", " + tiers + " (expected: not empty)");
            }
        }
    }

    /** The rows at each load and tier size, in report order. */
    static List<Configuration> rows(List<Configuration> peers) {
        List<Configuration> rows = new ArrayList<>(Configurations.sweepLoadAware());
        rows.addAll(peers);
        rows.addAll(Configurations.sweepPrefixes());
        return rows;
    }

    public static RoutingSweepResult run(Options sweep, PrintStream progress) {
        ScenarioOptions base = sweep.base();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        double loadBefore = loadAverage();
        List<Configuration> configurations = rows(sweep.peers());
        progress.printf(Locale.ROOT, "routing sweep: %d replicas (max-num-seqs %d), time scale %s, loads %s, tiers %s, "
                        + "%d configurations: %d rows of %s modelled s (load average %.2f)%n", base.replicas(),
                base.maxNumSeqs(), base.timeScale(), sweep.loads(), sweep.tiers(), configurations.size(),
                configurations.size() * sweep.loads().size() * sweep.tiers().size(), base.duration().toMillis() / 1000.0,
                loadBefore);
        Capacity capacity = base.fixedCapacity() > 0 ? Capacity.given(base.fixedCapacity())
                : CapacityProbe.measure(base, progress);
        if (!base.warmup().isZero()) {
            progress.println("warming up (unmeasured)");
            RoutingScenario.runConfiguration(Configurations.warmup(), base.with(o -> o.gateways = sweep.tiers().get(0)),
                    capacity.modelledRps() * sweep.loads().get(0), base.warmup(), progress);
        }
        List<RoutingSweepResult.Row> rows = new ArrayList<>();
        for (int gateways : sweep.tiers()) {
            ScenarioOptions options = base.with(o -> o.gateways = gateways);
            for (double load : sweep.loads()) {
                double offered = capacity.modelledRps() * load;
                progress.printf(Locale.ROOT, "%d instance(s), %.0f%% load: %.2f req/s offered%n", gateways, 100 * load,
                        offered);
                for (Configuration configuration : configurations) {
                    TierRun run = RoutingScenario.runConfiguration(configuration, options, offered, options.duration(),
                            progress);
                    RoutingSweepResult.Row row = row(configuration, run, gateways, load, offered, options.timeScale());
                    rows.add(row);
                    progress.printf(Locale.ROOT, "  %-28s TTFT p50 %7.1f p99 %8.1f ms, E2E p50 %8.1f p99 %8.1f ms, "
                                    + "%d requests, %d errors%n", row.name(), row.ttftP50(), row.ttftP99(), row.e2eP50(),
                            row.e2eP99(), row.requests(), row.errors());
                }
            }
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "routing sweep done in %.0f s%n", wallSeconds);
        return new RoutingSweepResult("routing", startedAt.toString(), round(wallSeconds), base.quick(), loadBefore,
                loadAverage(), base.replicas(), base.maxNumSeqs(), base.timeScale(), base.workload().name(),
                base.tenants(), base.systemPromptTokens(), base.duration().toMillis() / 1000.0,
                round(capacity.modelledRps()), ReportMarkdown.unitsNote(base), rows);
    }

    private static RoutingSweepResult.Row row(Configuration configuration, TierRun run, int gateways, double load,
                                              double offered, double timeScale) {
        RowResult result = RowResult.of(configuration, run, offered, timeScale);
        return new RoutingSweepResult.Row(gateways, load, configuration.name(),
                configuration.qgate() ? "qgate" : configuration.strategy().split(" ")[0], result.routedBy(),
                configuration.sharedPrefixes(), result.requests(), result.ok(), result.errors(), round(offered),
                round(result.throughputRps()), round(result.ttft().p50()), round(result.ttft().p99()),
                round(result.ttft().mean()), round(result.e2e().p50()), round(result.e2e().p99()),
                round(result.e2e().mean()), cdf(run.results(), timeScale));
    }

    /** Percentiles of the merged TTFT histograms, in modelled ms. */
    private static List<double[]> cdf(List<LoadResult> results, double timeScale) {
        Histogram merged = results.get(0).ttftMicros().copy();
        results.subList(1, results.size()).forEach(result -> merged.add(result.ttftMicros()));
        List<double[]> points = new ArrayList<>();
        if (merged.getTotalCount() == 0) {
            return points;
        }
        for (double percentile : CDF_PERCENTILES) {
            double ms = merged.getValueAtPercentile(percentile) / 1000.0 / timeScale;
            points.add(new double[] {percentile, round(ms)});
        }
        return points;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
