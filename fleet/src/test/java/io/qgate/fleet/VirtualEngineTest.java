package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qgate.routing.metrics.EngineCounters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's queueing on cases small enough to work out by hand. */
class VirtualEngineTest {

    private static final long MS = 1_000_000;

    private final Simulation sim = new Simulation();
    private final Map<Long, Long> firstTokens = new LinkedHashMap<>();
    private final Map<Long, Long> finishes = new LinkedHashMap<>();

    @Test
    void aThirdRequestWaitsForASlot() {
        // Prefill 10 ms flat, 5 ms per step whatever the batch, two slots.
        VirtualEngine engine = engine(new EngineModel(10, 0, 5, 1.0, 2, 1_000_000, 0));
        for (long id = 0; id < 3; id++) {
            engine.submit(new Request(id, 0, 16, 3));
        }
        assertThat(engine.running()).isEqualTo(2);
        assertThat(engine.waiting()).isEqualTo(1);

        sim.runUntil(1000 * MS);

        // A and B: first token after the 10 ms prefill, tokens 2 and 3 at the steps of 15 and 20 ms.
        // C takes the slot A and B free at 20 ms: first token at 30 ms, done at 40 ms.
        assertThat(firstTokens).containsExactly(Map.entry(0L, 10 * MS), Map.entry(1L, 10 * MS),
                Map.entry(2L, 30 * MS));
        assertThat(finishes).containsExactly(Map.entry(0L, 20 * MS), Map.entry(1L, 20 * MS), Map.entry(2L, 40 * MS));
        assertThat(engine.idle()).isTrue();
        assertThat(engine.tokensEmitted()).isEqualTo(9);
    }

    @Test
    void theCountersAreVllmsPromptTokensPrefillTimeAndTimeBetweenTokens() {
        // The third request of aThirdRequestWaitsForASlot waits 20 ms for a slot: vLLM's prefill
        // time starts at its scheduling, so each prefill counts its 10 ms only.
        VirtualEngine engine = engine(new EngineModel(10, 0, 5, 1.0, 2, 1_000_000, 0));
        for (long id = 0; id < 3; id++) {
            engine.submit(new Request(id, 0, 16, 3));
        }
        sim.runUntil(1000 * MS);

        EngineCounters counters = engine.counters();
        assertThat(counters.promptTokens()).isEqualTo(48);
        assertThat(counters.cachedPromptTokens()).isZero();
        assertThat(counters.prefills()).isEqualTo(3);
        assertThat(counters.prefillSeconds()).isCloseTo(0.030, within(1e-9));
        // Two tokens after the first of each request, each 5 ms after the one before.
        assertThat(counters.interTokens()).isEqualTo(6);
        assertThat(counters.interTokenSeconds()).isCloseTo(0.030, within(1e-9));
    }

    @Test
    void theGpuIsBusyWhileAnySequenceRunsAndIdleBetween() {
        VirtualEngine engine = engine(new EngineModel(10, 0, 5, 1.0, 4, 1_000_000, 0));
        // One request alone: busy from 0 to 20 ms (prefill 10, two steps of 5), however empty the batch.
        engine.submit(new Request(0, 0, 16, 3));
        sim.runUntil(100 * MS);
        assertThat(engine.busyNanos()).isEqualTo(20 * MS);
        // Idle until 100 ms; then busy again, and counted while running.
        engine.submit(new Request(1, 100 * MS, 16, 3));
        sim.runUntil(105 * MS);
        assertThat(engine.busyNanos()).isEqualTo(25 * MS);
        sim.runUntil(200 * MS);
        assertThat(engine.busyNanos()).isEqualTo(40 * MS);
    }

    @Test
    void stepsSlowDownAsTheBatchFills() {
        // 10 ms per token alone, 30 ms with the full batch of 3: with 3 running a step takes 30 ms,
        // with 2 running 20 ms.
        VirtualEngine engine = engine(new EngineModel(0, 0, 10, 3.0, 3, 1_000_000, 0));
        engine.submit(new Request(0, 0, 8, 2));
        engine.submit(new Request(1, 0, 8, 3));
        engine.submit(new Request(2, 0, 8, 3));

        sim.runUntil(1000 * MS);

        // Prefill takes no time: first tokens at 0. Step 1, with 3 running, takes 30 ms: request 0 is done at 30.
        // Step 2 is timed when it is scheduled, after request 0 left: 2 running, 20 ms, done at 50.
        assertThat(finishes).containsExactly(Map.entry(0L, 30 * MS), Map.entry(1L, 50 * MS), Map.entry(2L, 50 * MS));
    }

    @Test
    void aPromptThatDoesNotFitTheCacheHoldsBackTheQueue() {
        // Room for 150 tokens: the second 100-token prompt waits although a slot is free.
        VirtualEngine engine = engine(new EngineModel(10, 0, 5, 1.0, 4, 150, 0));
        engine.submit(new Request(0, 0, 100, 2));
        engine.submit(new Request(1, 0, 100, 2));
        engine.submit(new Request(2, 0, 10, 2));

        assertThat(engine.running()).isEqualTo(1);
        assertThat(engine.waiting()).isEqualTo(2);
        assertThat(engine.kvCacheUsage()).isEqualTo(100.0 / 150);

        sim.runUntil(1000 * MS);
        // The first is done at 15 ms (prefill 10, one step 5); only then do the other two start.
        assertThat(firstTokens).containsExactly(Map.entry(0L, 10 * MS), Map.entry(1L, 25 * MS),
                Map.entry(2L, 25 * MS));
    }

    @Test
    void prefillsTakeTheEngineOneAfterAnother() {
        // 1 ms per prompt token of engine time, 10 ms more before each first token; room for both.
        VirtualEngine engine = engine(new EngineModel(10, 1.0, 5, 1.0, 4, 1_000_000, 0));
        engine.submit(new Request(0, 0, 100, 1));
        engine.submit(new Request(1, 0, 100, 1));

        sim.runUntil(1000 * MS);

        // The second prompt's 100 ms of compute start when the first's end: a long prompt behind another waits.
        assertThat(firstTokens).containsExactly(Map.entry(0L, 110 * MS), Map.entry(1L, 210 * MS));
    }

    @Test
    void aCachedPrefixIsWorkNotDone() {
        VirtualEngine engine = engine(new EngineModel(10, 1.0, 5, 1.0, 4, 1_000_000, 0));
        long[] shared = {1, 2, 3, 4};
        Request first = new Request(0, 0, 70, 1);
        first.blocks = new long[] {1, 2, 3, 4};
        engine.submit(first);
        sim.runUntil(500 * MS);
        Request second = new Request(1, 500 * MS, 70, 1);
        second.blocks = shared;
        engine.submit(second);

        sim.runUntil(1000 * MS);

        // Four whole blocks (64 tokens) cached: 6 ms of prefill instead of 70.
        assertThat(firstTokens).containsExactly(Map.entry(0L, 80 * MS), Map.entry(1L, 516 * MS));
        assertThat(engine.prefixCache().hitTokens()).isEqualTo(64);
    }

    @Test
    void decodingPastTheCachePreemptsTheLatestAdmitted() {
        // Room for 30 tokens: two 10-token prompts fit, their outputs do not.
        VirtualEngine engine = engine(new EngineModel(0, 0, 5, 1.0, 4, 30, 0));
        engine.submit(new Request(0, 0, 10, 8));
        engine.submit(new Request(1, 0, 10, 8));

        sim.runUntil(1000 * MS);

        assertThat(engine.preemptions()).isGreaterThan(0);
        // The first admitted is never the one preempted: it finishes first, then the other resumes.
        assertThat(finishes.keySet()).containsExactly(0L, 1L);
        assertThat(firstTokens.keySet()).containsExactly(0L, 1L);
        assertThat(engine.tokensEmitted()).isEqualTo(16);
        assertThat(engine.idle()).isTrue();
        assertThat(engine.kvCacheUsage()).isZero();
    }

    @Test
    void quietStepsAreCountedWithoutAnEventEach() {
        // Prefill 10 ms, 5 ms per step: one sequence of 101 tokens decodes for 100 steps, until 510 ms.
        VirtualEngine engine = engine(new EngineModel(10, 0, 5, 1.0, 4, 1_000_000, 0));
        engine.submit(new Request(0, 0, 16, 101));

        // Read between steps, the counts hold every step ended so far: the prefill's token, and one
        // per step from 15 ms to 250 ms.
        sim.runUntil(252 * MS);
        assertThat(engine.tokensEmitted()).isEqualTo(1 + 48);
        assertThat(engine.kvCacheUsage()).isEqualTo((16 + 49) / 1_000_000.0);

        // A second request joins mid-step: first token at 262 ms, during the step that ends at 265;
        // its two other tokens at the steps of 265 and 270 ms; the first still ends on its hundredth step.
        engine.submit(new Request(1, 252 * MS, 16, 3));
        sim.runUntil(2000 * MS);
        assertThat(finishes).containsExactly(Map.entry(1L, 270 * MS), Map.entry(0L, 510 * MS));
        assertThat(engine.tokensEmitted()).isEqualTo(104);
        // Events: two prefills, and a step event for each finish, not one for each of the 100 steps.
        assertThat(sim.eventsFired()).isLessThan(10);
    }

    private VirtualEngine engine(EngineModel model) {
        return new VirtualEngine(sim, model, new VirtualEngine.Listener() {
            @Override
            public void firstToken(Request request) {
                firstTokens.put(request.id, sim.now());
            }

            @Override
            public void finished(Request request) {
                finishes.put(request.id, sim.now());
            }
        });
    }
}
