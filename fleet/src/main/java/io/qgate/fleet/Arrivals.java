package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.PoissonGaps;
import io.qgate.fleet.workload.Workload;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Poisson arrivals at the trace's rate of the moment, by thinning: candidates come at the trace's
 * highest rate and each is kept with probability rate(t) / highest. Each request's prompt and
 * output lengths come from the workload (the load generator's, so that the two benches offer the
 * same requests), the output length times the trace's output scale. One arrival is scheduled at a
 * time.
 */
final class Arrivals {

    private static final double NANOS_PER_SECOND = 1e9;

    private final Simulation sim;
    private final Trace trace;
    private final Workload workload;
    private final SplittableRandom random;
    private final Consumer<Request> sink;
    private final double maxRate;
    private final long endNanos;
    private long generated;
    private double nextSeconds;

    Arrivals(Simulation sim, Trace trace, Workload workload, SplittableRandom random, Consumer<Request> sink) {
        this.sim = requireNonNull(sim, "sim");
        this.trace = requireNonNull(trace, "trace");
        this.workload = requireNonNull(workload, "workload");
        this.random = requireNonNull(random, "random");
        this.sink = requireNonNull(sink, "sink");
        this.maxRate = trace.maxRate();
        this.endNanos = (long) (trace.durationSeconds() * NANOS_PER_SECOND);
    }

    /** Starts the arrivals at the current instant; they end with the trace. */
    void start() {
        nextSeconds = sim.now() / NANOS_PER_SECOND;
        scheduleNext();
    }

    long generated() {
        return generated;
    }

    private void scheduleNext() {
        if (maxRate <= 0) {
            return;
        }
        while (true) {
            nextSeconds += PoissonGaps.nextSeconds(random, maxRate);
            long at = (long) (nextSeconds * NANOS_PER_SECOND);
            if (at >= endNanos) {
                return;
            }
            if (random.nextDouble() * maxRate < trace.rate(nextSeconds)) {
                sim.at(Math.max(at, sim.now()), this::arrive);
                return;
            }
        }
    }

    private void arrive() {
        Workload.Shape shape = workload.next(random);
        double scale = trace.outputScale(sim.now() / NANOS_PER_SECOND);
        int output = scale == 1.0 ? shape.outputTokens() : (int) Math.max(1, Math.round(shape.outputTokens() * scale));
        Request request = new Request(generated++, sim.now(), shape.promptTokens(), output);
        if (shape.prefixId() >= 0) {
            request.prefixId = shape.prefixId();
            request.blocks = PromptBlocks.of(shape, request.id);
        }
        request.maxTokens = workload.sendsMaxTokens() ? output : 0;
        sink.accept(request);
        scheduleNext();
    }
}
