package io.qgate.fleet;

import io.qgate.fleet.workload.PoissonGaps;
import io.qgate.fleet.workload.Workload;
import java.util.SplittableRandom;

/**
 * How busy one replica's GPU is at a given load, against how full its engine is: Poisson
 * arrivals at a fixed rate into one engine (through the LiteLLM hop), measured after a warm-up.
 * vLLM runs a forward pass whenever any sequence runs, so the GPU reads busy (DCGM's
 * utilization) long before the batch is full.
 */
public final class GpuBusy {

    /** Sampling period of the running count. */
    private static final long SAMPLE_NANOS = 100_000_000L;

    /**
     * @param requestsPerSecond the offered load
     * @param busyShare         the share of the time with a sequence running: DCGM's utilization, as a fraction
     * @param meanRunning       sequences running, on average
     * @param runningShare      {@code meanRunning} over max-num-seqs: how full the batch is
     */
    public record Reading(double requestsPerSecond, double busyShare, double meanRunning, double runningShare) {}

    private GpuBusy() {}

    /** Measures {@code seconds} of virtual time after as many again of warm-up. */
    public static Reading at(EngineModel model, Workload workload, double requestsPerSecond, double seconds, long seed) {
        Simulation sim = new Simulation();
        SplittableRandom random = new SplittableRandom(seed);
        VirtualEngine engine = new VirtualEngine(sim, model, new VirtualEngine.Listener() {
            @Override
            public void firstToken(Request request) {
            }

            @Override
            public void finished(Request request) {
            }
        });
        long[] ids = new long[1];
        Runnable[] arrive = new Runnable[1];
        arrive[0] = () -> {
            Workload.Shape shape = workload.next(random);
            Request request = new Request(ids[0]++, sim.now(), shape.promptTokens(), shape.outputTokens());
            sim.after(model.proxyNanos(), () -> engine.submit(request));
            sim.after(PoissonGaps.nextNanos(random, requestsPerSecond), arrive[0]);
        };
        sim.after(PoissonGaps.nextNanos(random, requestsPerSecond), arrive[0]);
        long warmUp = (long) (seconds * 1e9);
        long[] running = new long[2];
        sim.every(warmUp, SAMPLE_NANOS, () -> {
            running[0] += engine.running();
            running[1]++;
        });
        sim.runUntil(warmUp);
        long busyBefore = engine.busyNanos();
        sim.runUntil(2 * warmUp);
        double busyShare = (engine.busyNanos() - busyBefore) / (double) warmUp;
        double meanRunning = (double) running[0] / running[1];
        return new Reading(requestsPerSecond, busyShare, meanRunning, meanRunning / model.maxNumSeqs());
    }
}
