package io.qgate.bench;

import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * {@code demo --load}: the bench's own load generator, in-process, offering the demo's replicas
 * more than they finish ({@link DemoFleet#loadRate()}), so that their queues form and the gateway
 * has something to route around. Streamed chat completions, so the progress line shows the time
 * to first token, which is what queueing moves first. It runs until the process stops.
 */
final class DemoLoad {

    /** Longer than anyone watches a demo; Ctrl-C ends it long before. */
    private static final Duration UNTIL_STOPPED = Duration.ofDays(1);

    private DemoLoad() {}

    static LoadOptions options(DemoFleet fleet, Duration duration) {
        if (fleet.loadRate() <= 0) {
            throw new IllegalArgumentException("--load with --time-scale 0 (expected: a time scale > 0: replicas"
                    + " that answer at once never queue)");
        }
        return LoadOptions.builder()
                .url(fleet.url())
                .model(fleet.replicas().get(0).options().model())
                .rate(fleet.loadRate())
                .stream(true)
                .duration(duration)
                .build();
    }

    /**
     * Starts the load on a daemon thread, printing the load generator's progress line each second
     * to {@code progress}, followed by each replica's occupancy. Interrupting the thread stops the
     * load (the generator closes its connections); so does the JVM's exit.
     */
    static Thread start(DemoFleet fleet, PrintStream progress) {
        LoadOptions options = options(fleet, UNTIL_STOPPED);
        PrintStream withOccupancy = new WithOccupancy(progress, fleet);
        Thread thread = new Thread(() -> {
            try {
                LoadGenerator.run(options, withOccupancy);
            } catch (IllegalStateException e) {
                // How the generator reports an interrupted wait: the demo is stopping, not failing.
                if (!Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }, "qgate-demo-load");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The load generator's progress line with the replicas' running+waiting sequences appended. */
    private static final class WithOccupancy extends PrintStream {
        private final DemoFleet fleet;

        WithOccupancy(PrintStream out, DemoFleet fleet) {
            super((OutputStream) requireNonNull(out, "out"), true);
            this.fleet = requireNonNull(fleet, "fleet");
        }

        @Override
        public void println(String line) {
            super.println(line + "  replicas (running+waiting) " + fleet.occupancy());
        }
    }
}
