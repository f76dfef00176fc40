package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Sleep;
import io.qgate.bench.harness.Fleet;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Measures what the fleet can do: a closed loop against each replica directly, with more
 * connections than batch slots, so every engine runs full batches for the whole window.
 *
 * <p>Counting completions at the engines over a window inside the run, rather than dividing the
 * generators' total by their duration, leaves out the start (batches filling) and the end (the
 * long-tailed last requests draining one by one), both of which would understate capacity.
 */
public final class CapacityProbe {

    private static final double WINDOW_START = 0.25;
    private static final double WINDOW_END = 0.95;

    private CapacityProbe() {}

    public static Capacity measure(ScenarioOptions options, PrintStream progress) {
        Duration wall = options.wall(options.capacityDuration());
        try (Fleet fleet = Fleet.start(options.simReplicas())) {
            List<String> targets = fleet.replicas().stream().map(Fleet::url).toList();
            long start = System.nanoTime();
            CompletableFuture<List<LoadResult>> load = CompletableFuture.supplyAsync(() -> SplitLoad.run(targets,
                    i -> LoadOptions.builder()
                            .url(targets.get(i))
                            .concurrency(2 * options.maxNumSeqs())
                            .duration(wall)
                            .stream(true)
                            .workload(options.workload())
                            .seed(options.seed() + 100 + i)
                            .drainTimeout(options.drainTimeout())
                            .quiet(true)
                            .build(),
                    fleet, "capacity", wall, progress), CapacityProbe::ownThread);
            long firstNanos = sleepUntil(start, wall, WINDOW_START);
            long first = fleet.finished();
            long lastNanos = sleepUntil(start, wall, WINDOW_END);
            long last = fleet.finished();
            List<LoadResult> results = join(load);
            long errors = results.stream().mapToLong(LoadResult::errorCount).sum();
            if (errors > 0) {
                throw new IllegalStateException("capacity run: " + errors + " failed requests");
            }
            double windowSeconds = (lastNanos - firstNanos) / 1e9 / options.timeScale();
            Capacity capacity = new Capacity((last - first) / windowSeconds, last - first, windowSeconds,
                    Capacity.MEASURED);
            progress.printf(Locale.ROOT,
                    "capacity: %.2f requests per modelled second (%d finished in %.1f modelled s)%n",
                    capacity.modelledRps(), capacity.finished(), windowSeconds);
            return capacity;
        }
    }

    /** The load blocks for the whole run, so it gets a thread of its own rather than one of the common pool's. */
    private static void ownThread(Runnable task) {
        Thread thread = new Thread(task, "qgate-scenario-capacity");
        thread.setDaemon(true);
        thread.start();
    }

    private static long sleepUntil(long start, Duration wall, double fraction) {
        long at = start + Math.round(wall.toNanos() * fraction);
        long now = System.nanoTime();
        if (at > now) {
            Sleep.millis((at - now) / 1_000_000);
        }
        return System.nanoTime();
    }

    private static List<LoadResult> join(CompletableFuture<List<LoadResult>> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
