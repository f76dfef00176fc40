package io.qgate.fleet;

import io.qgate.fleet.workload.Workload;
import java.util.SplittableRandom;

/**
 * The most requests per second one replica finishes, measured the way the live routing bench
 * measures its fleet: a closed loop of twice max-num-seqs clients, each sending its next request
 * as soon as its answer is through, so the batch stays full and a queue stays waiting; requests
 * finished between 25% and 95% of the run are counted, leaving out the ramp-up and the end.
 * The demo sizes its load with it, so that the load it offers is a known share of what its
 * replicas can finish.
 */
public final class EngineCapacity {

    private EngineCapacity() {}

    /** Requests per second of modelled time (time scale 1), over {@code seconds} of virtual time. */
    public static double requestsPerSecond(EngineModel model, Workload workload, long seed, double seconds) {
        Simulation sim = new Simulation();
        SplittableRandom random = new SplittableRandom(seed);
        long hop = model.proxyNanos();
        long from = (long) (seconds * 0.25e9);
        long until = (long) (seconds * 0.95e9);
        long[] counted = new long[1];
        long[] ids = new long[1];
        VirtualEngine[] engine = new VirtualEngine[1];
        engine[0] = new VirtualEngine(sim, model, new VirtualEngine.Listener() {
            @Override
            public void firstToken(Request request) {
            }

            @Override
            public void finished(Request request) {
                if (sim.now() >= from && sim.now() < until) {
                    counted[0]++;
                }
                // The answer goes out through the hop, the next request comes in through it.
                sim.after(2 * hop, () -> engine[0].submit(next(sim, workload, random, ids)));
            }
        });
        for (int client = 0; client < 2 * model.maxNumSeqs(); client++) {
            sim.after(hop, () -> engine[0].submit(next(sim, workload, random, ids)));
        }
        sim.runUntil((long) (seconds * 1e9));
        return counted[0] / ((until - from) / 1e9);
    }

    private static Request next(Simulation sim, Workload workload, SplittableRandom random, long[] ids) {
        Workload.Shape shape = workload.next(random);
        return new Request(ids[0]++, sim.now(), shape.promptTokens(), shape.outputTokens());
    }
}
