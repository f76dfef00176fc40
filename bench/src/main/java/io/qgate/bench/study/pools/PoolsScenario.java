package io.qgate.bench.study.pools;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.LoopbackSettings;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.study.routing.Capacity;
import io.qgate.bench.study.routing.CapacityProbe;
import io.qgate.bench.study.routing.ScenarioOptions;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two model pools behind one gateway, each of its own simulated replicas serving its own model:
 * pool A offered more than it can serve, pool B a fraction of its capacity. Measured: B's time
 * to first token with A flooded against B alone, whether every request reached its own pool's
 * replicas, and whether the per-pool signals the autoscalers read describe each pool alone.
 */
public final class PoolsScenario {

    static final String POOL_A = "llama";
    static final String MODEL_A = "llama-8b";
    static final String POOL_B = "qwen";
    static final String MODEL_B = "qwen-32b";

    private PoolsScenario() {}

    public static PoolsReport run(PoolsOptions options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        ScenarioOptions pool = options.pool();
        progress.printf(Locale.ROOT, "pools scenario: two pools of %d replicas (max-num-seqs %d), time scale %s%n",
                pool.replicas(), pool.maxNumSeqs(), pool.timeScale());
        Capacity capacity;
        if (pool.fixedCapacity() > 0) {
            capacity = Capacity.given(pool.fixedCapacity());
            progress.printf(Locale.ROOT, "phase 1/4: one pool's capacity given: %.2f requests per modelled second%n",
                    capacity.modelledRps());
        } else {
            progress.println("phase 1/4: one pool's capacity");
            capacity = CapacityProbe.measure(pool, progress);
        }
        if (!(capacity.modelledRps() > 0)) {
            throw new IllegalStateException("the pool's capacity measured as 0 requests per second: the replicas "
                    + "finished nothing in the window (give it with --capacity)");
        }
        double rateA = capacity.modelledRps() * options.overloadA();
        double rateB = capacity.modelledRps() * options.loadB();
        progress.printf(Locale.ROOT, "offered: pool %s %.2f req/s (%.0f%% of its capacity), pool %s %.2f req/s "
                        + "(%.0f%%), modelled%n", POOL_A, rateA, 100 * options.overloadA(), POOL_B, rateB,
                100 * options.loadB());
        if (!pool.warmup().isZero()) {
            // The first run in a JVM pays for its JIT: without this, "alone" would be the slow one.
            progress.println("phase 2/4: warming up (unmeasured)");
            runPools(options, rateA, rateB, pool.warmup(), progress);
        }
        progress.println("phase 3/4: pool " + POOL_B + " alone");
        PoolsRun alone = runPools(options, 0, rateB, pool.duration(), progress);
        progress.println("phase 4/4: pool " + POOL_A + " flooded beside pool " + POOL_B);
        PoolsRun both = runPools(options, rateA, rateB, pool.duration(), progress);
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "done in %.0f s%n", wallSeconds);
        return new PoolsReport(options, startedAt, wallSeconds, capacity, rateA, rateB, alone, both);
    }

    /** Fresh fleets and a fresh gateway; A's load (none when 0) and B's at once for the measured time. */
    private static PoolsRun runPools(PoolsOptions options, double modelledRateA, double modelledRateB,
                                     Duration modelled, PrintStream progress) {
        ScenarioOptions pool = options.pool();
        Duration wall = pool.wall(modelled);
        try (Fleet fleetA = Fleet.start(pool.simReplicas(MODEL_A, 0));
             Fleet fleetB = Fleet.start(pool.simReplicas(MODEL_B, 100));
             Gateway gateway = Gateway.start(GatewayConfig.of(gatewaySettings(pool),
                     List.of(poolConfig(POOL_A, MODEL_A, fleetA), poolConfig(POOL_B, MODEL_B, fleetB))))) {
            awaitReady(gateway);
            String url = "http://127.0.0.1:" + gateway.port();
            GatewayCounters before = GatewayCounters.read(gateway.adminPort());
            QueueSampler sampler = QueueSampler.start(gateway.adminPort(), List.of(POOL_A, POOL_B),
                    Map.of(POOL_A, fleetA, POOL_B, fleetB));
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<LoadResult> loadA = modelledRateA > 0 ? threads.submit(() -> LoadGenerator.run(
                        load(options, url, MODEL_A, modelledRateA / pool.timeScale(), wall, 1), null)) : null;
                Future<LoadResult> loadB = threads.submit(() -> LoadGenerator.run(
                        load(options, url, MODEL_B, modelledRateB / pool.timeScale(), wall, 2), null));
                long startNanos = System.nanoTime();
                // Read when the loads stop sending, not after the drain: the rate is over the sending.
                Sleep.millis(wall.toMillis());
                GatewayCounters after = GatewayCounters.read(gateway.adminPort());
                List<QueueSampler.Sample> samples = sampler.stop();
                while (!loadB.isDone() || (loadA != null && !loadA.isDone())) {
                    progress.printf(Locale.ROOT, "  %5.1fs/%.1fs draining; running+waiting per replica: %s: %s, "
                                    + "%s: %s%n", (System.nanoTime() - startNanos) / 1e9, wall.toMillis() / 1000.0,
                            POOL_A, fleetA.occupancy(), POOL_B, fleetB.occupancy());
                    Sleep.millis(1000);
                }
                LoadResult resultA = loadA == null ? null : loadA.get();
                LoadResult resultB = loadB.get();
                return new PoolsRun(resultA, resultB, fleetA.apiRequests(), fleetB.apiRequests(),
                        after.minus(before), samples);
            } catch (Exception e) {
                sampler.stop();
                throw new IllegalStateException("pools run failed: " + e, e);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static LoadOptions load(PoolsOptions options, String url, String model, double wallRate, Duration wall,
                                    long seedOffset) {
        ScenarioOptions pool = options.pool();
        return LoadOptions.builder()
                .url(url)
                .model(model)
                .rate(wallRate)
                .duration(wall)
                .stream(true)
                .workload(pool.workload())
                .seed(pool.seed() + 1000 * seedOffset)
                .drainTimeout(pool.drainTimeout())
                .quiet(true)
                .build();
    }

    private static Map<String, String> gatewaySettings(ScenarioOptions pool) {
        Duration interval = Duration.ofNanos(Math.max(1_000_000, Math.round(100_000_000 * pool.timeScale())));
        Map<String, String> settings = LoopbackSettings.of();
        settings.put("scrape.interval", interval.toMillis() + "ms");
        settings.put("scrape.timeout", interval.multipliedBy(4).dividedBy(5).toMillis() + "ms");
        // The names are configured: the run measures routing, not how fast names are learnt.
        settings.put("discovery.models-refresh", "0");
        return settings;
    }

    private static Map<String, String> poolConfig(String name, String model, Fleet fleet) {
        return Map.of("name", name, "models", model, "endpoints", fleet.endpoints());
    }

    private static void awaitReady(Gateway gateway) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!gateway.pools().all().stream().allMatch(pool -> pool.serving()
                && pool.router().snapshot().accepting().size() == pool.router().snapshot().endpoints().size())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway's pools did not become ready within 10 s");
            }
            Sleep.millis(20);
        }
        // The first scrapes land before the load starts.
        Sleep.millis(300);
    }

    /** What one run measured. */
    record PoolsRun(LoadResult a, LoadResult b, long replicaRequestsA, long replicaRequestsB,
                    GatewayCounters counters, List<QueueSampler.Sample> samples) {
        PoolsRun {
            samples = List.copyOf(samples);
        }

        /** Mean over the samples of one pool's figure. */
        double mean(java.util.function.ToDoubleFunction<QueueSampler.Sample> figure) {
            return samples.stream().mapToDouble(figure).average().orElse(Double.NaN);
        }
    }
}
