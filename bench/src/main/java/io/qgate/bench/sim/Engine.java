package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.qgate.fleet.EngineModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous-batching engine in the manner of vLLM's V1 scheduler, in modelled time: the
 * fleet's {@link EngineModel} run on the executor's timers, streaming every token.
 *
 * <p>At most {@code maxNumSeqs} sequences run; the rest wait in arrival order (with {@link
 * SchedulingPolicy#PRIORITY}, by their {@code priority}, then arrival), and the head of the queue
 * is admitted only while the KV cache has room for its prompt ({@link EngineModel#admits}, the
 * rule the fleet's virtual engine applies too). An admitted sequence
 * first prefills (a fixed delay plus a cost per prompt token the prefix cache does not already
 * hold, the per-token part after the prefills admitted before it) and so produces its first
 * token; from then on every decode step gives each decoding sequence one more token, and a step
 * takes longer the more sequences run.
 *
 * <p>With LoRA adapters ({@link LoraState}) a sequence waits while its adapter cannot join the
 * batch, and one whose adapter must be loaded pays the load in its prefill
 * ({@link io.qgate.fleet.LoraSlots}).
 *
 * <p>Admission reserves the prompt only; when decoding fills the cache past its capacity the
 * latest admitted decoding sequence is preempted ({@link EngineModel#preempts}): it gives its
 * blocks back and waits at the head of the queue, to be prefilled again with what it had
 * generated, and {@code vllm:num_preemptions_total} counts it.
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
    private final SchedulingPolicy policy;

    /** In the order they start: arrival, or priority then arrival. */
    private final LinkedList<Sequence> waiting = new LinkedList<>();
    private final List<Sequence> decoding = new ArrayList<>();
    private int running;
    private long kvUsed;
    private Future<?> stepTimer;
    private long nextStepAt;
    private long lastStepEnd;
    /** When the prefills admitted so far are done: the next one starts no earlier. */
    private long prefillFreeAt;
    private long admissions;
    /** Where slot changes are logged, or {@code null} (the default): see {@link SlotLog}. */
    private volatile SlotLog slotLog;

    private volatile int runningView;
    private volatile int waitingView;
    private volatile long kvUsedView;
    /** Replaced whenever the engine turns busy or idle, so a scrape reads one consistent pair. */
    private volatile BusyTime busy = new BusyTime(0, 0, false);

    /** Busy time until {@code since}, and whether a sequence has run since then. */
    private record BusyTime(long nanos, long since, boolean running) {
        long at(long now) {
            return running ? nanos + (now - since) : nanos;
        }
    }

    /**
     * The batch size and the KV cache are {@code latency}'s engine's; {@code lora} holds the LoRA
     * adapter slots ({@code null}: no adapters), and loading one adds {@code loraLoadNanos} to a prefill.
     */
    Engine(EventExecutor executor, LatencyModel latency, PrefixCache prefixCache, SimMetrics metrics, LoraState lora,
           long loraLoadNanos, SchedulingPolicy policy) {
        this.executor = requireNonNull(executor, "executor");
        this.latency = requireNonNull(latency, "latency");
        this.model = latency.engine();
        this.prefixCache = requireNonNull(prefixCache, "prefixCache");
        this.metrics = requireNonNull(metrics, "metrics");
        this.lora = lora;
        this.loraLoadNanos = loraLoadNanos;
        this.policy = requireNonNull(policy, "policy");
    }

    /**
     * Queues a sequence that runs with the LoRA {@code adapter} ({@code null}: the base model);
     * callable from any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the engine has shut down
     */
    Sequence submit(Prompt prompt, int outputTokens, FinishReason endReason, SequenceListener listener,
                    String adapter, int priority) {
        return submit(new Sequence(requireNonNull(prompt, "prompt"), outputTokens,
                requireNonNull(endReason, "endReason"), requireNonNull(listener, "listener"), 1, adapter, priority));
    }

    /**
     * Queues one input of an embeddings request of {@code requestItems} inputs; its prefill
     * grows with the size of its request (see {@link LatencyModel#embeddingNanos}). Any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the engine has shut down
     */
    Sequence submitEmbedding(Prompt input, int requestItems, SequenceListener listener) {
        return submit(new Sequence(requireNonNull(input, "input"), 0, FinishReason.STOP,
                requireNonNull(listener, "listener"), requestItems, null, 0));
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

    /** From now on, logs when slots are taken and freed in a new log; any thread. */
    SlotLog recordSlots() {
        SlotLog log = new SlotLog();
        slotLog = log;
        return log;
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

    @Override
    public long busyNanos(long now) {
        return busy.at(now);
    }

    private void enqueue(Sequence seq) {
        if (seq.abortRequested) {
            return;
        }
        seq.arrivalNanos = System.nanoTime();
        seq.state = Sequence.State.WAITING;
        if (policy == SchedulingPolicy.PRIORITY) {
            waitInOrder(seq);
        } else {
            waiting.add(seq);
        }
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
            if (!model.admits(running, kvUsed, (int) head.kvTokens())) {
                return;
            }
            it.remove();
            start(head);
        }
    }

    private void start(Sequence seq) {
        seq.state = Sequence.State.PREFILL;
        running++;
        SlotLog log = slotLog;
        if (log != null) {
            log.taken(System.nanoTime());
        }
        seq.admission = admissions++;
        seq.sharedTokens = 0;
        long prefill;
        if (seq.embedding()) {
            prefill = latency.embeddingNanos(seq.prompt.tokens(), seq.requestItems);
        } else {
            int cached = prefixCache.lookupAndInsert(seq.prompt);
            // Cached blocks are shared with the sequences and the cache that hold them: only the rest is new.
            seq.sharedTokens = cached;
            metrics.prefixLookup(seq.prompt.tokens(), cached);
            // A preempted sequence is prefilled again: its prompt and what it had generated.
            int uncached = (int) seq.kvTokens() - cached;
            long now = System.nanoTime();
            long start = Math.max(now, prefillFreeAt);
            prefillFreeAt = start + latency.prefillComputeNanos(uncached);
            prefill = start - now + latency.prefillNanos(uncached);
        }
        kvUsed += seq.kvHeld();
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
            if (seq.generated == 0) {
                metrics.firstToken((System.nanoTime() - seq.arrivalNanos) / 1e9);
            }
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
        while (model.preempts(running, kvUsed) && preemptLatest()) {
            metrics.preempted();
        }
        admit();
        ensureStepping(true);
        publish();
    }

    /** Queues {@code seq} behind every waiting sequence at least as urgent as it. */
    private void waitInOrder(Sequence seq) {
        ListIterator<Sequence> it = waiting.listIterator();
        while (it.hasNext()) {
            if (seq.moreUrgentThan(it.next())) {
                it.previous();
                break;
            }
        }
        it.add(seq);
    }

    /**
     * Sends a decoding sequence back to the queue: the latest admitted, to the head of the queue
     * (vLLM's FCFS), or the least urgent, the latest arrived of those, to its place by priority;
     * false when none decodes.
     */
    private boolean preemptLatest() {
        Sequence latest = null;
        for (Sequence seq : decoding) {
            boolean later = policy == SchedulingPolicy.PRIORITY
                    ? latest == null || latest.moreUrgentThan(seq)
                    : latest == null || seq.admission > latest.admission;
            if (later) {
                latest = seq;
            }
        }
        if (latest == null) {
            return false;
        }
        decoding.remove(latest);
        slotFreed();
        if (lora != null) {
            lora.slots.finish(latest.adapter);
        }
        kvUsed -= latest.kvHeld();
        latest.state = Sequence.State.WAITING;
        if (policy == SchedulingPolicy.PRIORITY) {
            waitInOrder(latest);
        } else {
            waiting.addFirst(latest);
        }
        return true;
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
        long now = System.nanoTime();
        if (seq.lastTokenNanos != 0) {
            metrics.interToken((now - seq.lastTokenNanos) / 1e9);
        }
        seq.lastTokenNanos = now;
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
        slotFreed();
        if (lora != null) {
            lora.slots.finish(seq.adapter);
        }
        kvUsed -= seq.kvHeld();
        metrics.finished(reason, seq.prompt.tokens(), seq.generated,
                (System.nanoTime() - seq.arrivalNanos) / 1e9);
    }

    private void slotFreed() {
        running--;
        SlotLog log = slotLog;
        if (log != null) {
            log.freed(System.nanoTime());
        }
    }

    private void publish() {
        runningView = running;
        waitingView = waiting.size();
        kvUsedView = kvUsed;
        if ((running > 0) != busy.running()) {
            long now = System.nanoTime();
            busy = new BusyTime(busy.at(now), now, running > 0);
        }
        if (lora != null) {
            lora.publish(waiting);
        }
    }
}
