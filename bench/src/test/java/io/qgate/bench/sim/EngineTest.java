package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.qgate.fleet.EngineModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine on its own thread, without HTTP. */
class EngineTest {

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final SimMetrics metrics = new SimMetrics("m");

    @AfterEach
    void stop() {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void emitsEveryTokenInOrderThenFinishes() {
        Engine engine = engine(4, 10_000, 0.01);
        List<Integer> tokens = new CopyOnWriteArrayList<>();
        CompletableFuture<FinishReason> done = new CompletableFuture<>();

        engine.submit(Prompt.ofText("hello"), 5, FinishReason.LENGTH, listener(tokens, done), null, 0);

        assertThat(done.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(tokens).containsExactly(0, 1, 2, 3, 4);
        assertThat(metrics.successes(FinishReason.LENGTH)).isEqualTo(1);
        assertThat(metrics.generationTokens()).isEqualTo(5);
        assertThat(metrics.firstTokens()).isEqualTo(1);
        await().untilAsserted(() -> assertThat(engine.running()).isZero());
    }

    @Test
    void theKvCacheHoldsBackTheQueueUntilASlotIsFreed() {
        // Two 60-token prompts do not fit 100 tokens of cache, though four slots are free.
        Engine engine = engine(4, 100, 1.0);
        String prompt = "x".repeat(240);
        Sequence first = engine.submit(Prompt.ofText(prompt), 1000, FinishReason.LENGTH, listener(null, null), null, 0);
        engine.submit(Prompt.ofText(prompt + "y"), 1000, FinishReason.LENGTH, listener(null, null), null, 0);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(engine.running()).isEqualTo(1);
            assertThat(engine.waiting()).isEqualTo(1);
            assertThat(engine.kvCacheUsage()).isGreaterThanOrEqualTo(0.6);
        });

        engine.abort(first);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(engine.running()).isEqualTo(1);
            assertThat(engine.waiting()).isZero();
        });
        assertThat(metrics.successes(FinishReason.ABORT)).isEqualTo(1);
    }

    @Test
    void decodingPastTheCachePreemptsTheLatestAndResumesItsTokens() {
        // Room for 40 tokens: two 10-token prompts fit, their 20 outputs each do not.
        Engine engine = engine(4, 40, 0.01);
        List<Integer> first = new CopyOnWriteArrayList<>();
        List<Integer> second = new CopyOnWriteArrayList<>();
        CompletableFuture<FinishReason> firstDone = new CompletableFuture<>();
        CompletableFuture<FinishReason> secondDone = new CompletableFuture<>();

        engine.submit(Prompt.ofText("a".repeat(40)), 20, FinishReason.LENGTH, listener(first, firstDone), null, 0);
        engine.submit(Prompt.ofText("b".repeat(40)), 20, FinishReason.LENGTH, listener(second, secondDone), null, 0);

        assertThat(firstDone.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(secondDone.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(metrics.preemptions()).isGreaterThan(0);
        assertThat(metrics.render(engine)).contains("vllm:num_preemptions_total{engine=\"0\",model_name=\"m\"} ");
        // The preempted sequence carries on where it stopped: no token twice, none lost, one first token each.
        assertThat(second).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(first).hasSize(20);
        assertThat(metrics.firstTokens()).isEqualTo(2);
    }

    @Test
    void embeddingsEndAfterPrefillWithoutTokens() {
        Engine engine = engine(4, 10_000, 0.01);
        List<Integer> tokens = new CopyOnWriteArrayList<>();
        CompletableFuture<FinishReason> done = new CompletableFuture<>();

        engine.submit(Prompt.ofText("embed me"), 0, FinishReason.STOP, listener(tokens, done), null, 0);

        assertThat(done.join()).isEqualTo(FinishReason.STOP);
        assertThat(tokens).isEmpty();
        assertThat(metrics.prefixQueries()).isZero();
    }

    @Test
    void priorityPolicyStartsTheMostUrgentWaiterFirstThenTheEarliest() {
        // One slot, held by a long sequence while three wait: low (5), then urgent (-1), then normal (0).
        Engine engine = engine(1, 10_000, 0.01, SchedulingPolicy.PRIORITY);
        List<String> started = new CopyOnWriteArrayList<>();
        Sequence holder = holdTheOnlySlot(engine);
        CompletableFuture<FinishReason> last = new CompletableFuture<>();
        engine.submit(Prompt.ofText("low"), 1, FinishReason.LENGTH, firstToken(started, "low", last), null, 5);
        engine.submit(Prompt.ofText("urgent"), 1, FinishReason.LENGTH, firstToken(started, "urgent", null), null, -1);
        engine.submit(Prompt.ofText("normal"), 1, FinishReason.LENGTH, firstToken(started, "normal", null), null, 0);
        engine.submit(Prompt.ofText("urgent too"), 1, FinishReason.LENGTH, firstToken(started, "urgent too", null),
                null, -1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.waiting()).isEqualTo(4));

        engine.abort(holder);

        assertThat(last.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(started).containsExactly("urgent", "urgent too", "normal", "low");
    }

    @Test
    void fcfsPolicyStartsWaitersInArrivalOrderWhateverTheirPriority() {
        Engine engine = engine(1, 10_000, 0.01);
        List<String> started = new CopyOnWriteArrayList<>();
        Sequence holder = holdTheOnlySlot(engine);
        CompletableFuture<FinishReason> last = new CompletableFuture<>();
        engine.submit(Prompt.ofText("low"), 1, FinishReason.LENGTH, firstToken(started, "low", null), null, 5);
        engine.submit(Prompt.ofText("urgent"), 1, FinishReason.LENGTH, firstToken(started, "urgent", last), null, -1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.waiting()).isEqualTo(2));

        engine.abort(holder);

        assertThat(last.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(started).containsExactly("low", "urgent");
    }

    @Test
    void priorityPolicyPreemptsTheLeastUrgentNotTheLatest() {
        // Room for 40 tokens: two 10-token prompts fit, their 20 outputs each do not. The urgent one
        // arrives second; under FCFS it would be the one preempted.
        Engine engine = engine(4, 40, 0.01, SchedulingPolicy.PRIORITY);
        List<Integer> low = new CopyOnWriteArrayList<>();
        List<Integer> urgent = new CopyOnWriteArrayList<>();
        CompletableFuture<FinishReason> lowDone = new CompletableFuture<>();
        CompletableFuture<FinishReason> urgentDone = new CompletableFuture<>();
        List<String> finished = new CopyOnWriteArrayList<>();
        lowDone.thenRun(() -> finished.add("low"));
        urgentDone.thenRun(() -> finished.add("urgent"));

        engine.submit(Prompt.ofText("a".repeat(40)), 20, FinishReason.LENGTH, listener(low, lowDone), null, 3);
        engine.submit(Prompt.ofText("b".repeat(40)), 20, FinishReason.LENGTH, listener(urgent, urgentDone), null, -3);

        assertThat(lowDone.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(urgentDone.join()).isEqualTo(FinishReason.LENGTH);
        assertThat(metrics.preemptions()).isGreaterThan(0);
        // The urgent sequence was never sent back: it finished first, its tokens in one run.
        assertThat(finished).containsExactly("urgent", "low");
        assertThat(low).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
    }

    /** A long sequence in the engine's one slot, running. */
    private static Sequence holdTheOnlySlot(Engine engine) {
        Sequence holder = engine.submit(Prompt.ofText("hold"), 100_000, FinishReason.LENGTH, listener(null, null),
                null, 0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.running()).isEqualTo(1));
        return holder;
    }

    private Engine engine(int maxNumSeqs, long kvCapacity, double timeScale) {
        return engine(maxNumSeqs, kvCapacity, timeScale, SchedulingPolicy.FCFS);
    }

    private Engine engine(int maxNumSeqs, long kvCapacity, double timeScale, SchedulingPolicy policy) {
        EngineModel model = new EngineModel(50, 0.04, 7.5, 2.0, maxNumSeqs, kvCapacity, 0);
        return new Engine(executor, new LatencyModel(timeScale, model, 0.2), new PrefixCache(64), metrics, null, 0,
                policy);
    }

    /** Notes {@code name} at the sequence's first token, and completes {@code done} at its finish. */
    private static SequenceListener firstToken(List<String> started, String name, CompletableFuture<FinishReason> done) {
        return new SequenceListener() {
            @Override
            public void onToken(int index) {
                if (index == 0) {
                    started.add(name);
                }
            }

            @Override
            public void onFinish(FinishReason reason) {
                if (done != null) {
                    done.complete(reason);
                }
            }
        };
    }

    private static SequenceListener listener(List<Integer> tokens, CompletableFuture<FinishReason> done) {
        return new SequenceListener() {
            @Override
            public void onToken(int index) {
                if (tokens != null) {
                    tokens.add(index);
                }
            }

            @Override
            public void onFinish(FinishReason reason) {
                if (done != null) {
                    done.complete(reason);
                }
            }
        };
    }
}
