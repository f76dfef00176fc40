package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The continuous-batching engine of {@link EngineModel} in virtual time, as the live simulator's
 * engine runs it on timers: at most {@code maxNumSeqs} sequences run, the rest wait in arrival
 * order, and the head of the queue is admitted only while the KV cache has room for its prompt
 * ({@link EngineModel#admits}). An admitted sequence prefills and so produces its first token;
 * from then on every decode step gives each decoding sequence one more token, and a step takes
 * longer the more sequences run. No preemption, no prefix cache (the fleet's prompts share
 * nothing). With LoRA adapters ({@link #serveAdapters}) a request waits while its adapter cannot
 * join the batch, and one whose adapter must be loaded pays the load in its prefill
 * ({@link LoraSlots}), as in the live simulator.
 *
 * <p>The simulator walks every decoding sequence on every step; here a step only counts, and
 * each sequence is filed under the step that produces its last token, so a step costs the
 * sequences that finish in it rather than all that run. Tokens, cache use and finishing order per
 * step are the same.
 */
final class VirtualEngine {

    /** What the engine reports; both are called at the engine's own instant (before the LiteLLM hop out). */
    interface Listener {
        void firstToken(Request request);

        void finished(Request request);
    }

    private static final Comparator<Request> BY_FINISH_STEP =
            Comparator.<Request>comparingLong(r -> r.finishStep).thenComparingLong(r -> r.id);

    private final Simulation sim;
    private final EngineModel model;
    private final Listener listener;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final PriorityQueue<Request> decoding = new PriorityQueue<>(BY_FINISH_STEP);
    private final Runnable step = this::step;
    private int running;
    private long kvUsed;
    private long steps;
    private boolean stepScheduled;
    private long tokensEmitted;
    private LoraSlots lora;
    private long loraLoadNanos;

    VirtualEngine(Simulation sim, EngineModel model, Listener listener) {
        this.sim = requireNonNull(sim, "sim");
        this.model = requireNonNull(model, "model");
        this.listener = requireNonNull(listener, "listener");
    }

    /** Serves LoRA adapters in {@code maxLoras} slots; loading one adds {@code loadNanos} to a prefill. */
    void serveAdapters(int maxLoras, long loadNanos) {
        lora = new LoraSlots(maxLoras);
        loraLoadNanos = loadNanos;
    }

    /** The adapter slots, or null when the engine serves none. */
    LoraSlots lora() {
        return lora;
    }

    /** The adapters of the waiting requests, in their order. */
    Set<String> waitingAdapters() {
        Set<String> adapters = new LinkedHashSet<>();
        for (Request request : waiting) {
            if (request.adapter != null) {
                adapters.add(request.adapter);
            }
        }
        return adapters;
    }

    /** The request reaches the engine (after the LiteLLM hop in). */
    void submit(Request request) {
        waiting.add(request);
        admit();
    }

    /** vLLM's {@code num_requests_waiting}. */
    int waiting() {
        return waiting.size();
    }

    /** vLLM's {@code num_requests_running}: prefilling and decoding. */
    int running() {
        return running;
    }

    /** vLLM's {@code kv_cache_usage_perc}, in [0,1]. */
    double kvCacheUsage() {
        return model.kvCacheUsage(kvUsed);
    }

    /** Output tokens produced so far (what LiteLLM relays, chunk by chunk). */
    long tokensEmitted() {
        return tokensEmitted;
    }

    boolean idle() {
        return running == 0 && waiting.isEmpty();
    }

    /**
     * Starts waiting requests in arrival order while the engine has room; one whose adapter cannot
     * join the batch now is passed over and keeps its place ({@link LoraSlots#admits}).
     */
    private void admit() {
        for (Iterator<Request> it = waiting.iterator(); it.hasNext(); ) {
            Request head = it.next();
            if (lora != null && !lora.admits(head.adapter)) {
                continue;
            }
            if (!model.admits(running, kvUsed, head.promptTokens)) {
                return;
            }
            it.remove();
            long load = lora != null && lora.start(head.adapter) ? loraLoadNanos : 0;
            running++;
            kvUsed += head.promptTokens;
            sim.after(model.prefillNanos(head.promptTokens) + load, () -> prefillDone(head));
        }
    }

    private void prefillDone(Request request) {
        kvUsed++;
        tokensEmitted++;
        listener.firstToken(request);
        if (request.outputTokens <= 1) {
            finish(request);
        } else {
            request.finishStep = steps + request.outputTokens - 1;
            decoding.add(request);
        }
        admit();
        ensureStepping();
    }

    private void step() {
        stepScheduled = false;
        steps++;
        kvUsed += decoding.size();
        tokensEmitted += decoding.size();
        while (!decoding.isEmpty() && decoding.peek().finishStep <= steps) {
            finish(decoding.poll());
        }
        admit();
        ensureStepping();
    }

    private void ensureStepping() {
        if (stepScheduled || decoding.isEmpty()) {
            return;
        }
        stepScheduled = true;
        // Back to back: in virtual time a step that follows a step starts exactly when it ended.
        sim.after(model.stepNanos(running), step);
    }

    private void finish(Request request) {
        running--;
        if (lora != null) {
            lora.finish(request.adapter);
        }
        kvUsed -= (long) request.promptTokens + request.outputTokens;
        listener.finished(request);
    }
}
