package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.metrics.EngineCounters;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The reference for {@link VirtualEngineReferenceTest}: the virtual engine as it was before quiet
 * decode steps stopped being events, every step scheduled (the code of commit 5a1c73b, kept here
 * only to compare against).
 */
final class SteppedEngine {

    private static final Comparator<Request> BY_FINISH_STEP =
            Comparator.<Request>comparingLong(r -> r.finishStep).thenComparingLong(r -> r.id);

    private final Simulation sim;
    private final EngineModel model;
    private final VirtualEngine.Listener listener;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final PriorityQueue<Request> decoding = new PriorityQueue<>(BY_FINISH_STEP);
    private final Runnable step = this::step;
    private int running;
    private long kvUsed;
    private long steps;
    private boolean stepScheduled;
    private long tokensEmitted;
    /** Time with at least one sequence running, until {@link #busySince}; the GPU's busy time. */
    private long busyNanos;
    private long busySince;
    private LoraSlots lora;
    private long loraLoadNanos;
    private final PrefixCache prefixCache;
    /** When the prefills admitted so far are done: the next one starts no earlier. */
    private long prefillFreeAt;
    private long admissions;
    private long preemptions;
    /** vLLM's counters of work and time ({@link #counters}). */
    private long promptTokens;
    private long cachedPromptTokens;
    private long prefillNanos;
    private long prefills;
    private long interTokenNanos;
    private long interTokens;
    /** How long the step now under way takes. */
    private long stepNanos;

    SteppedEngine(Simulation sim, EngineModel model, VirtualEngine.Listener listener) {
        this.sim = requireNonNull(sim, "sim");
        this.model = requireNonNull(model, "model");
        this.listener = requireNonNull(listener, "listener");
        this.prefixCache = new PrefixCache((int) Math.min(Integer.MAX_VALUE, model.kvCapacityTokens()
                / PrefixCache.BLOCK_TOKENS));
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

    /**
     * Nanoseconds so far during which at least one sequence ran: vLLM runs a forward pass whenever
     * one does, so this is when the GPU was busy (what DCGM's utilization measures).
     */
    long busyNanos() {
        return running > 0 ? busyNanos + (sim.now() - busySince) : busyNanos;
    }

    /** vLLM's {@code num_preemptions_total}. */
    long preemptions() {
        return preemptions;
    }

    /**
     * vLLM's counters: {@code prompt_tokens_total}, {@code prefix_cache_hits_total} (tokens), the
     * sum and count of {@code request_prefill_time_seconds} (from a request's first admission to its
     * first token) and of {@code inter_token_latency_seconds}.
     */
    EngineCounters counters() {
        return new EngineCounters(promptTokens, cachedPromptTokens, prefillNanos / 1e9, prefills,
                interTokenNanos / 1e9, interTokens);
    }

    /** The engine's prefix cache. */
    PrefixCache prefixCache() {
        return prefixCache;
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
            if (!model.admits(running, kvUsed, kvTokens(head))) {
                return;
            }
            it.remove();
            long load = lora != null && lora.start(head.adapter) ? loraLoadNanos : 0;
            if (running == 0) {
                busySince = sim.now();
            }
            running++;
            head.admission = admissions++;
            int tokens = kvTokens(head);
            // A preempted sequence is prefilled again: its prompt (likely still cached) and what it had generated.
            int cached = head.blocks == null ? 0 : prefixCache.lookupAndInsert(head.blocks, head.promptTokens);
            // Cached blocks are shared with the sequences and the cache that hold them: only the rest is new.
            head.sharedTokens = cached;
            if (head.generated == 0) {
                head.admittedNanos = sim.now();
                promptTokens += head.promptTokens;
                cachedPromptTokens += cached;
            }
            int uncached = tokens - cached;
            kvUsed += uncached;
            long start = Math.max(sim.now(), prefillFreeAt);
            prefillFreeAt = start + model.prefillComputeNanos(uncached);
            sim.at(start + model.prefillNanos(uncached) + load, () -> prefillDone(head));
        }
    }

    private static int kvTokens(Request request) {
        return request.promptTokens + request.generated;
    }

    /** What the request holds in the KV cache of its own, beyond the cached blocks it shares. */
    private static long kvHeld(Request request) {
        return kvTokens(request) - request.sharedTokens;
    }

    private void prefillDone(Request request) {
        kvUsed++;
        tokensEmitted++;
        request.generated++;
        if (request.generated == 1) {
            prefillNanos += sim.now() - request.admittedNanos;
            prefills++;
            listener.firstToken(request);
        }
        if (request.generated >= request.outputTokens) {
            finish(request);
        } else {
            request.finishStep = steps + request.outputTokens - request.generated;
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
        interTokenNanos += stepNanos * decoding.size();
        interTokens += decoding.size();
        while (!decoding.isEmpty() && decoding.peek().finishStep <= steps) {
            finish(decoding.poll());
        }
        while (model.preempts(running, kvUsed) && preemptLatest()) {
            preemptions++;
        }
        admit();
        ensureStepping();
    }

    /** Sends the latest admitted decoding sequence back to the head of the queue; false when none decodes. */
    private boolean preemptLatest() {
        Request latest = null;
        for (Request request : decoding) {
            if (latest == null || request.admission > latest.admission) {
                latest = request;
            }
        }
        if (latest == null) {
            return false;
        }
        decoding.remove(latest);
        latest.generated = latest.outputTokens - (int) (latest.finishStep - steps);
        running--;
        if (running == 0) {
            busyNanos += sim.now() - busySince;
        }
        if (lora != null) {
            lora.finish(latest.adapter);
        }
        kvUsed -= kvHeld(latest);
        waiting.addFirst(latest);
        return true;
    }

    private void ensureStepping() {
        if (stepScheduled || decoding.isEmpty()) {
            return;
        }
        stepScheduled = true;
        // Back to back: in virtual time a step that follows a step starts exactly when it ended.
        stepNanos = model.stepNanos(running);
        sim.after(stepNanos, step);
    }

    private void finish(Request request) {
        request.generated = request.outputTokens;
        running--;
        if (running == 0) {
            busyNanos += sim.now() - busySince;
        }
        if (lora != null) {
            lora.finish(request.adapter);
        }
        kvUsed -= kvHeld(request);
        listener.finished(request);
    }
}
