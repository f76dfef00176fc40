package io.qgate.bench.harness;

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
import java.util.function.Supplier;

/**
 * Several load generators at once, each on a thread of its own, with a progress line a second.
 * {@code atEnd} runs when they stop sending (after {@code wall}), before they drain: readings of
 * rates belong to the sending, not to the drain.
 */
public final class ParallelLoads {

    private ParallelLoads() {}

    /**
     * @param status what the progress line shows besides the time, such as the replicas' queues
     * @return the loads' results, in the order given, and what {@code atEnd} returned
     */
    public static <T> Finished<T> run(List<LoadOptions> loads, Duration wall, Supplier<String> status,
                                      Supplier<T> atEnd, PrintStream progress) {
        ExecutorService threads = Executors.newFixedThreadPool(loads.size(), runnable -> {
            Thread thread = new Thread(runnable, "qgate-bench-load");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<LoadResult>> running = new ArrayList<>();
            for (LoadOptions load : loads) {
                running.add(threads.submit(() -> LoadGenerator.run(load, null)));
            }
            long start = System.nanoTime();
            long end = start + wall.toNanos();
            while (System.nanoTime() < end) {
                Sleep.millis(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                line(progress, start, wall, "", status);
            }
            T reading = atEnd.get();
            while (!running.stream().allMatch(Future::isDone)) {
                Sleep.millis(1000);
                line(progress, start, wall, " draining", status);
            }
            List<LoadResult> results = new ArrayList<>();
            for (Future<LoadResult> result : running) {
                results.add(result.get());
            }
            return new Finished<>(results, reading);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the loads ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load failed: " + e.getCause(), e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    private static void line(PrintStream progress, long start, Duration wall, String phase, Supplier<String> status) {
        progress.printf(Locale.ROOT, "  %5.1fs/%.1fs%s  %s%n", (System.nanoTime() - start) / 1e9,
                wall.toMillis() / 1000.0, phase, status.get());
    }

    /** The loads' results and the reading taken when they stopped sending. */
    public record Finished<T>(List<LoadResult> results, T reading) {
        public Finished {
            results = List.copyOf(results);
        }
    }
}
