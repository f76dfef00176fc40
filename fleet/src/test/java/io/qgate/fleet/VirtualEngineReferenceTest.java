package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The engine that counts quiet decode steps against the one that scheduled every step
 * ({@link SteppedEngine}), on random arrivals to one engine of three kinds (the routing studies'
 * max-num-seqs 8, a small cache that preempts, the default engine): every first token and every
 * finish at the same nanosecond, in the same order, but where two of them fall on the very same
 * nanosecond, whose order may differ (the stepped engine's depended on which event was scheduled
 * first).
 */
class VirtualEngineReferenceTest {

    @Test
    void firstTokensAndFinishesComeWhenTheSteppedEngineGaveThem() {
        int identical = 0;
        for (long seed = 1; seed <= 60; seed++) {
            EngineModel model = seed % 3 == 0 ? EngineModel.defaults().withMaxNumSeqs(8)
                    : seed % 3 == 1 ? new EngineModel(60, 0.04, 7.5, 2.0, 16, 20_000, 3) : EngineModel.defaults();
            double rate = seed % 3 == 0 ? 3 : seed % 3 == 1 ? 8 : 30;
            List<long[]> stepped = trace(false, model, seed, rate);
            List<long[]> counted = trace(true, model, seed, rate);
            int first = firstDifference(stepped, counted);
            if (first < 0) {
                identical++;
            } else {
                assertThat(counted.get(first)[2]).as("seed %d: the first difference is a tie of one nanosecond", seed)
                        .isEqualTo(stepped.get(first)[2]);
            }
        }
        assertThat(identical).isGreaterThan(50);
    }

    /** Request id, 0 for a first token or 1 for a finish, and the instant; in the order they came. */
    private static List<long[]> trace(boolean counted, EngineModel model, long seed, double rate) {
        Simulation sim = new Simulation();
        List<long[]> events = new ArrayList<>();
        VirtualEngine.Listener listener = new VirtualEngine.Listener() {
            @Override
            public void firstToken(Request request) {
                events.add(new long[] {request.id, 0, sim.now()});
            }

            @Override
            public void finished(Request request) {
                events.add(new long[] {request.id, 1, sim.now()});
            }
        };
        Consumer<Request> engine = counted ? new VirtualEngine(sim, model, listener)::submit
                : new SteppedEngine(sim, model, listener)::submit;
        SplittableRandom random = new SplittableRandom(seed);
        long at = 0;
        for (int id = 0; id < 1_500; id++) {
            at += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
            // Short and long prompts and answers, as in ShareGPT.
            Request request = new Request(id, at, 1 + random.nextInt(random.nextBoolean() ? 200 : 3_000),
                    1 + random.nextInt(random.nextBoolean() ? 50 : 900));
            sim.at(at, () -> engine.accept(request));
        }
        sim.runUntil(Long.MAX_VALUE / 2);
        return events;
    }

    private static int firstDifference(List<long[]> a, List<long[]> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : Math.min(a.size(), b.size());
    }
}
