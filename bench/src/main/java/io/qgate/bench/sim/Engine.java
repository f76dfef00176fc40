package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.qgate.fleet.EngineModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous-batching engine in the manner of vLLM's V1 scheduler, in modelled time: the
 * fleet's {@link EngineModel} run on the executor's timers, streaming every token.
 *
 * <p>At most {@code maxNumSeqs} sequences run; the rest wait in arrival order, and the head of
 * the queue is admitted only while the KV cache has room for its prompt ({@link
 * EngineModel#admits}, the rule the fleet's virtual engine applies too). An admitted sequence
 * first prefills (a fixed cost plus a cost per prompt token the prefix cache does not already
 * hold) and so produces its first token; from then on every decode step gives each decoding
 * sequence one more token, and a step takes longer the more sequences run.
 *
 * <p>With LoRA adapters ({@link LoraState}) a sequence waits while its adapter cannot join the
 * batch, and one whose adapter must be loaded pays the load in its prefill
 * ({@link io.qgate.fleet.LoraSlots}).
 *
 * <p>There is no preemption: admission reserves the prompt only, so decoding can fill the cache
 * past its capacity, which the gauge shows as 1.0 while the queue stops moving.
 *
 * <p>All state lives on one executor thread, so nothing is locked; the counts that scrapes and
 * tests read are republished into volatile fields after every change.
 */
final class Engine implements SimMetrics.Gauges {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EventExecutor executor;
    private final LatencyModel latency;
    private final EngineModel model;
    private final PrefixCache prefixCache;
    private final SimMetrics metrics;
    /** The adapter slots, or {@code null} when the replica serves no adapter. */
    private final LoraState lora;
    private final long loraLoadNanos;

    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> decoding = new ArrayList<>();
    private int running;
    private long kvUsed;
    private Future<?> stepTimer;
    private long nextStepAt;
    private long lastStepEnd;

    private volatile int runningView;
    private volatile int waitingView;
    private volatile long kvUsedView;

    /**
     * The batch size and the KV cache are {@code latency}'s engine's; {@code lora} holds the LoRA
     * adapter slots ({@code null}: no adapters), and loading one adds {@code loraLoadNanos} to a prefill.
     */
    Engine(EventExecutor executor, LatencyModel latency, PrefixCache prefixCache, SimMetrics metrics, LoraState lora,
           long loraLoadNanos) {
        this.executor = requireNonNull(executor, "executor");
        this.latency = requireNonNull(latency, "latency");
        this.model = latency.engine();
        this.prefixCache = requireNonNull(prefixCache, "prefixCache");
        this.metrics = requireNonNull(metrics, "metrics");
        this.lora = lora;
        this.loraLoadNanos = loraLoadNanos;
    }

    /**
     * Queues a sequence that runs with the LoRA {@code adapter} ({@code null}: the base model);
     * callable from any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the engine has shut down
     */
    Sequence submit(Prompt prompt, int outputTokens, FinishReason endReason, SequenceListener listener,
                    String adapter) {
        return submit(new Sequence(requireNonNull(prompt, "prompt"), outputTokens,
                requireNonNull(endReason, "endReason"), requireNonNull(listener, "listener"), 1, adapter));
    }

    /**
     * Queues one input of an embeddings request of {@code requestItems} inputs; its prefill
     * grows with the size of its request (see {@link LatencyModel#embeddingNanos}). Any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the engine has shut down
     */
    Sequence submitEmbedding(Prompt input, int requestItems, SequenceListener listener) {
        return submit(new Sequence(requireNonNull(input, "input"), 0, FinishReason.STOP,
                requireNonNull(listener, "listener"), requestItems, null));
    }

    private Sequence submit(Sequence seq) {
        executor.execute(() -> enqueue(seq));
        return seq;
    }

    /** Drops a sequence wherever it is and frees its slot; callable from any thread. */
    void abort(Sequence seq) {
        // Always as a task of its own, so an abort can never run in the middle of a step.
        try {
            executor.execute(() -> doAbort(seq));
        } catch (RejectedExecutionException e) {
            // The engine has stopped; there is no slot left to free.
        }
    }

    @Override
    public int running() {
        return runningView;
    }

    @Override
    public int waiting() {
        return waitingView;
    }

    @Override
    public double kvCacheUsage() {
        return model.kvCacheUsage(kvUsedView);
    }

    private void enqueue(Sequence seq) {
        if (seq.abortRequested) {
            return;
        }
        seq.arrivalNanos = System.nanoTime();
        seq.state = Sequence.State.WAITING;
        waiting.add(seq);
        admit();
        publish();
    }

    /**
     * Starts waiting sequences in arrival order while the engine has room; one whose adapter
     * cannot join the batch now is passed over and keeps its place ({@link io.qgate.fleet.LoraSlots#admits}).
     */
    private void admit() {
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence head = it.next();
            if (lora != null && !lora.slots.admits(head.adapter)) {
                continue;
            }
            if (!model.admits(running, kvUsed, head.prompt.tokens())) {
                return;
            }
            it.remove();
            start(head);
        }
    }

    private void start(Sequence seq) {
        seq.state = Sequence.State.PREFILL;
        running++;
        kvUsed += seq.kvTokens();
        long prefill;
        if (seq.embedding()) {
            prefill = latency.embeddingNanos(seq.prompt.tokens(), seq.requestItems);
        } else {
            int cached = prefixCache.lookupAndInsert(seq.prompt);
            metrics.prefixLookup(seq.prompt.tokens(), cached);
            prefill = latency.prefillNanos(seq.prompt.tokens() - cached);
        }
        if (lora != null && lora.slots.start(seq.adapter)) {
            metrics.loraLoaded();
            prefill += loraLoadNanos;
        }
        seq.prefillTimer = executor.schedule(() -> prefillDone(seq), prefill, TimeUnit.NANOSECONDS);
    }

    private void prefillDone(Sequence seq) {
        if (seq.state != Sequence.State.PREFILL) {
            return;
        }
        seq.prefillTimer = null;
        if (seq.embedding()) {
            finish(seq, FinishReason.STOP);
        } else {
            metrics.firstToken((System.nanoTime() - seq.arrivalNanos) / 1e9);
            seq.state = Sequence.State.DECODE;
            emitToken(seq);
            if (seq.generated >= seq.outputTokens) {
                finish(seq, seq.endReason);
            } else {
                decoding.add(seq);
            }
        }
        admit();
        ensureStepping();
        publish();
    }

    private void step() {
        stepTimer = null;
        lastStepEnd = nextStepAt;
        for (Iterator<Sequence> it = decoding.iterator(); it.hasNext(); ) {
            Sequence seq = it.next();
            emitToken(seq);
            if (seq.generated >= seq.outputTokens) {
                it.remove();
                finish(seq, seq.endReason);
            }
        }
        admit();
        ensureStepping(true);
        publish();
    }

    private void ensureStepping() {
        ensureStepping(false);
    }

    private void ensureStepping(boolean afterStep) {
        if (stepTimer != null || decoding.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        long duration = latency.stepNanos(running);
        // Back-to-back steps keep their cadence even when a timer fires late; after a pause
        // the next step starts now.
        long start = afterStep ? lastStepEnd : now;
        nextStepAt = start + duration;
        stepTimer = executor.schedule(this::step, Math.max(0, nextStepAt - now), TimeUnit.NANOSECONDS);
    }

    private void emitToken(Sequence seq) {
        int index = seq.generated++;
        kvUsed++;
        try {
            seq.listener.onToken(index);
        } catch (RuntimeException e) {
            log.warn("sequence listener failed on a token", e);
        }
    }

    private void finish(Sequence seq, FinishReason reason) {
        release(seq, reason);
        try {
            seq.listener.onFinish(reason);
        } catch (RuntimeException e) {
            log.warn("sequence listener failed on finish", e);
        }
    }

    private void doAbort(Sequence seq) {
        switch (seq.state) {
            case NEW -> seq.abortRequested = true;
            case WAITING -> {
                waiting.remove(seq);
                seq.state = Sequence.State.DONE;
            }
            case PREFILL -> {
                seq.prefillTimer.cancel(false);
                seq.prefillTimer = null;
                release(seq, FinishReason.ABORT);
            }
            case DECODE -> {
                decoding.remove(seq);
                release(seq, FinishReason.ABORT);
            }
            case DONE -> {
                return;
            }
        }
        admit();
        ensureStepping();
        publish();
    }

    private void release(Sequence seq, FinishReason reason) {
        seq.state = Sequence.State.DONE;
        running--;
        if (lora != null) {
            lora.slots.finish(seq.adapter);
        }
        kvUsed -= seq.kvTokens();
        metrics.finished(reason, seq.prompt.tokens(), seq.generated,
                (System.nanoTime() - seq.arrivalNanos) / 1e9);
    }

    private void publish() {
        runningView = running;
        waitingView = waiting.size();
        kvUsedView = kvUsed;
        if (lora != null) {
            lora.publish(waiting);
        }
    }
}
