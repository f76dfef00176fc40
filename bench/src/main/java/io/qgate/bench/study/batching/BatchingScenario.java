package io.qgate.bench.study.batching;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.GatewayTier;
import io.qgate.bench.load.Api;
import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.fleet.workload.Workload;
import io.qgate.bench.sim.SimOptions;
import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the batching comparison: many concurrent single-input embeddings requests through one
 * gateway in front of replicas whose LiteLLM is single-threaded, once with batching off and once
 * on, first as a closed loop (throughput at equal concurrency), then as Poisson arrivals above
 * what the replicas serve unbatched. Every run gets fresh replicas and a fresh gateway.
 */
public final class BatchingScenario {

    /** The warm-up draws other inputs than the measured run, so no cache could favour either. */
    private static final long WARMUP_SEED_OFFSET = 1000;

    private BatchingScenario() {}

    public static BatchingReport run(BatchingOptions options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        boolean available = BatchingMode.available();
        progress.printf(Locale.ROOT, "batching scenario: %d replicas, LiteLLM work %s ms per request on %d worker(s) "
                        + "each (unbatched capacity %.0f req/s), single-input embeddings of %d tokens, %s%n",
                options.replicas(), number(options.proxyCpuMs()), options.proxyWorkers(),
                options.unbatchedCapacity(), options.inputTokens(), options.quick() ? "quick" : "full");
        if (!available) {
            progress.println("note: this gateway has no batching.* settings, so both configurations run unbatched");
        }
        int phases = options.openLoop() ? 2 : 1;
        List<BatchingRow> rows = new ArrayList<>();
        String closed = options.concurrency() + " connections";
        progress.printf(Locale.ROOT, "phase 1/%d: closed loop, %s, %s per run%n", phases, closed,
                Units.format(options.closedDuration()));
        for (BatchingMode mode : BatchingMode.values()) {
            rows.add(measure("closed", closed, mode, options, progress));
        }
        if (options.openLoop()) {
            String open = String.format(Locale.ROOT, "%s req/s Poisson", number(options.rate()));
            progress.printf(Locale.ROOT, "phase 2/2: open loop, %s (%.2fx the unbatched capacity), %s per run%n",
                    open, options.rate() / options.unbatchedCapacity(), Units.format(options.openDuration()));
            for (BatchingMode mode : BatchingMode.values()) {
                rows.add(measure("open", open, mode, options, progress));
            }
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "done in %.0f s%n", wallSeconds);
        return new BatchingReport(options, startedAt, wallSeconds, available, rows, BatchingRatio.of(rows));
    }

    private static BatchingRow measure(String phase, String load, BatchingMode mode, BatchingOptions options,
                                       PrintStream progress) {
        Map<String, String> settings = mode.settings(options);
        List<SimOptions> replicas = new ArrayList<>();
        for (int i = 0; i < options.replicas(); i++) {
            replicas.add(options.replica(i));
        }
        try (Fleet fleet = Fleet.start(replicas);
             GatewayTier gateway = GatewayTier.start(1, mode.gatewaySettings(fleet.endpoints(), options))) {
            String url = gateway.urls().get(0);
            String admin = gateway.adminUrls().get(0);
            progress.printf(Locale.ROOT, "  %s loop, batching %s %s%n", phase, mode.label(), settings);
            if (!options.warmup().isZero()) {
                LoadGenerator.run(load(url, phase, options, options.warmup(), options.seed() + WARMUP_SEED_OFFSET),
                        null);
            }
            BatchMetrics before = BatchMetrics.scrape(admin);
            long callsBefore = fleet.apiRequests();
            Duration duration = phase.equals("closed") ? options.closedDuration() : options.openDuration();
            LoadResult result = LoadGenerator.run(load(url, phase, options, duration, options.seed()), progress);
            BatchMetrics during = BatchMetrics.scrape(admin).since(before);
            BatchingRow row = BatchingRow.of(phase, load, mode, settings, result, fleet.apiRequests() - callsBefore,
                    during);
            progress.println(summary(row));
            return row;
        }
    }

    private static LoadOptions load(String url, String phase, BatchingOptions options, Duration duration, long seed) {
        LoadOptions.Builder load = LoadOptions.builder()
                .url(url)
                .api(Api.EMBEDDINGS)
                .model(BatchingOptions.MODEL)
                // Output length is meaningless for embeddings; each request carries one input.
                .workload(Workload.fixed(options.inputTokens(), 1))
                .duration(duration)
                .requests(options.maxRequests())
                .seed(seed)
                .quiet(true);
        return phase.equals("closed") ? load.concurrency(options.concurrency()).build()
                : load.rate(options.rate()).build();
    }

    private static String summary(BatchingRow row) {
        BatchMetrics gateway = row.gateway();
        String batches = !gateway.exported() ? "gateway: no batching metrics"
                : String.format(Locale.ROOT, "gateway: mean batch %.2f, largest %.0f, %.0f requests batched, "
                        + "%.0f calls saved, %.0f fallbacks", gateway.meanBatchSize(), gateway.largest(),
                gateway.batched(), gateway.saved(), gateway.fallbacks());
        return String.format(Locale.ROOT, "  -> %.1f req/s, e2e p50 %.1f ms, p99 %.1f ms, %d requests, %d errors, "
                        + "%d upstream calls (%.2f requests each); %s", row.throughputRps(), row.e2eMs().p50(),
                row.e2eMs().p99(), row.requests(), row.errorCount(), row.upstreamCalls(),
                row.requestsPerUpstreamCall(), batches);
    }

    /** A number without a needless {@code .0}. */
    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
