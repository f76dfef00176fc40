package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one load generator per target at once, each in a thread of its own, and prints a line a
 * second about the fleet meanwhile (the generators themselves stay quiet: three interleaved
 * progress lines would be unreadable).
 */
final class SplitLoad {

    private static final long PROGRESS_MILLIS = 1000;

    private SplitLoad() {}

    /**
     * @param targets  one load per target, built by {@code load}
     * @param label    what the progress lines are about
     */
    static List<LoadResult> run(List<String> targets, Function<Integer, LoadOptions> load, Fleet fleet,
                                String label, Duration wallDuration, PrintStream progress) {
        ExecutorService threads = Executors.newFixedThreadPool(targets.size(), runnable -> {
            Thread thread = new Thread(runnable, "qgate-scenario-load");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<LoadResult>> running = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                LoadOptions options = load.apply(i);
                running.add(threads.submit(() -> LoadGenerator.run(options, null)));
            }
            long start = System.nanoTime();
            List<LoadResult> results = new ArrayList<>();
            for (Future<LoadResult> future : running) {
                results.add(await(future, fleet, label, wallDuration, start, progress));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static LoadResult await(Future<LoadResult> future, Fleet fleet, String label, Duration wallDuration,
                                    long start, PrintStream progress) {
        while (true) {
            try {
                return future.get(PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                String phase = elapsed <= wallDuration.toMillis() / 1000.0 ? "" : " draining";
                progress.printf(Locale.ROOT, "  %-28s %5.1fs/%.1fs%s  running+waiting per replica: %s%n", label,
                        elapsed, wallDuration.toMillis() / 1000.0, phase, fleet.occupancy());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the load was running", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(label + ": load run failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
