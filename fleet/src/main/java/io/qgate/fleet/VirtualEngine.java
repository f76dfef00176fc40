package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.metrics.EngineCounters;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The continuous-batching engine of {@link EngineModel} in virtual time, as the live simulator's
 * engine runs it on timers: at most {@code maxNumSeqs} sequences run, the rest wait in arrival
 * order, and the head of the queue is admitted only while the KV cache has room for its prompt
 * ({@link EngineModel#admits}). An admitted sequence prefills, after the prefills admitted before
 * it, and so produces its first token; from then on every decode step gives each decoding
 * sequence one more token, and a step takes longer the more sequences run. When decoding fills
 * the cache, the latest admitted decoding sequence is preempted ({@link EngineModel#preempts}).
 * Requests that carry block hashes are looked up in a prefix cache as large as the KV cache
 * ({@link PrefixCache}). With LoRA adapters ({@link #serveAdapters}) a request waits while its
 * adapter cannot join the batch, and one whose adapter must be loaded pays the load in its
 * prefill ({@link LoraSlots}), as in the live simulator.
 *
 * <p>The simulator walks every decoding sequence on every step; here a step only counts, and
 * each sequence is filed under the step that produces its last token, so a step costs the
 * sequences that finish in it rather than all that run. Tokens, cache use and finishing order per
 * step are the same.
 *
 * <p>Most steps change nothing but counts: no sequence finishes, the cache does not overflow, and
 * the head of the queue, refused before, is refused again (the cache only fills up between
 * finishes). Those quiet steps are not events: the engine schedules one only for the next step in
 * which a sequence finishes or the cache overflows, and any other event first catches the counts
 * up with the steps that ended before it ({@link #catchUp}). A 1,000-replica run then schedules
 * a step event per finish instead of one per step of every engine; the steps, their times and
 * everything they do are those of stepping one by one.
 */
final class VirtualEngine {

    /** What the engine reports; both are called at the engine's own instant (before the LiteLLM hop out). */
    interface Listener {
        void firstToken(Request request);

        void finished(Request request);
    }

    private final Simulation sim;
    private final EngineModel model;
    private final Listener listener;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final DecodeQueue decoding = new DecodeQueue();
    private final Runnable tick = this::tick;
    private int running;
    private long kvUsed;
    /** Steps ended so far. */
    private long steps;
    /** Whether a step is under way: whenever a sequence decodes. */
    private boolean stepping;
    /** When the step under way ends. */
    private long stepEnd;
    /** When the scheduled {@link #tick} that is live fires: at or before the next step that is not quiet. */
    private long tickAt = Long.MAX_VALUE;
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

    VirtualEngine(Simulation sim, EngineModel model, Listener listener) {
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
        catchUp();
        waiting.add(request);
        admit();
        plan();
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
        catchUp();
        return model.kvCacheUsage(kvUsed);
    }

    /** Output tokens produced so far (what LiteLLM relays, chunk by chunk). */
    long tokensEmitted() {
        catchUp();
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
        catchUp();
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
        catchUp();
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
        if (!stepping && !decoding.isEmpty()) {
            stepping = true;
            stepNanos = model.stepNanos(running);
            stepEnd = sim.now() + stepNanos;
        }
        plan();
    }

    /** A scheduled step event: the steps ended by now, the last of them in full; then the next one planned. */
    private void tick() {
        if (sim.now() != tickAt) {
            return; // a tick planned later than one planned since; that one has fired
        }
        tickAt = Long.MAX_VALUE;
        endSteps(true);
        plan();
    }

    /** Counts the quiet steps that ended before now: what another event must see. */
    private void catchUp() {
        endSteps(false);
    }

    /**
     * Ends the steps that ended before now, quiet by the plan, all at once; then, with {@code
     * thisInstant}, the one that ends now in full.
     */
    private void endSteps(boolean thisInstant) {
        long now = sim.now();
        if (stepping && stepEnd < now) {
            // The step under way, and the ones of stepNanos(running) after it that ended before now.
            long next = model.stepNanos(running);
            long ended = 1 + (now - 1 - stepEnd) / next;
            int decodingNow = decoding.size();
            if (decoding.firstFinishStep() <= steps + ended || model.preempts(running, kvUsed + ended * decodingNow)) {
                throw new IllegalStateException("a step that finishes or preempts ended before " + now
                        + " without its event");
            }
            steps += ended;
            kvUsed += ended * decodingNow;
            tokensEmitted += ended * decodingNow;
            interTokenNanos += (stepNanos + (ended - 1) * next) * decodingNow;
            interTokens += ended * decodingNow;
            stepEnd += ended * next;
            stepNanos = next;
        }
        if (thisInstant && stepping && stepEnd == now) {
            step();
        }
    }

    /**
     * Makes sure a tick fires at or before the end of the next step that is not quiet: the first
     * in which a sequence finishes or decoding overflows the cache. Steps after the one under way
     * each take {@code stepNanos(running)}: running changes only at events, and each plans again.
     */
    private void plan() {
        if (!stepping) {
            return;
        }
        int decodingNow = decoding.size();
        long ahead = decoding.firstFinishStep() - steps;
        if (running > 1) {
            long room = model.kvCapacityTokens() - kvUsed;
            ahead = Math.min(ahead, room < 0 ? 1 : room / decodingNow + 1);
        }
        long at = stepEnd + (Math.max(1, ahead) - 1) * model.stepNanos(running);
        if (at < tickAt) {
            tickAt = at;
            sim.at(at, tick);
        }
    }

    /** One decode step ends, at {@link #stepEnd}: every decoding sequence gets a token; then the next starts. */
    private void step() {
        steps++;
        kvUsed += decoding.size();
        tokensEmitted += decoding.size();
        interTokenNanos += stepNanos * decoding.size();
        interTokens += decoding.size();
        boolean changed = false;
        while (!decoding.isEmpty() && decoding.firstFinishStep() <= steps) {
            finish(decoding.poll());
            changed = true;
        }
        while (model.preempts(running, kvUsed) && preemptLatest()) {
            preemptions++;
            changed = true;
        }
        // A quiet step admits nothing: the head refused before is refused again, the cache fuller.
        if (changed) {
            admit();
        }
        if (decoding.isEmpty()) {
            stepping = false;
        } else {
            // Back to back: in virtual time a step that follows a step starts exactly when it ended.
            stepNanos = model.stepNanos(running);
            stepEnd += stepNanos;
        }
    }

    /** Sends the latest admitted decoding sequence back to the head of the queue; false when none decodes. */
    private boolean preemptLatest() {
        Request latest = decoding.latestAdmitted();
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
