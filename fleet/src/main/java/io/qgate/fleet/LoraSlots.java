package io.qgate.fleet;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An engine's LoRA adapters as vLLM's V1 engine keeps them; the one rule of both simulators, as
 * {@link EngineModel} is their one model of time.
 *
 * <ul>
 *   <li><b>The batch holds at most {@code maxLoras} adapters.</b> A waiting sequence whose adapter
 *       is not running while {@code maxLoras} others are is passed over, and the sequences behind
 *       it may start ({@link #admits}); it starts once every sequence of one running adapter has
 *       finished. The scheduler does this, so the worker never sees more adapters than slots.</li>
 *   <li><b>A load is a read of the adapter's weights from disk.</b> The worker keeps the last
 *       {@code maxCpuLoras} adapters it used in host memory (vLLM's {@code --max-cpu-loras},
 *       which defaults to {@code --max-loras}), least recently used out; an adapter that joins the
 *       batch and is not among them is loaded ({@link #start} says so, and it is counted). One
 *       still held costs only a copy into a GPU slot, which is not counted. A sequence of an
 *       adapter already in the batch loads nothing.</li>
 * </ul>
 *
 * <p>vLLM passes over the waiting sequence but keeps admitting the running adapters' new ones, so
 * under steady traffic for them it waits for good; what routing sends a replica decides whether
 * its adapters ever drain.
 *
 * <p>Confined to the engine's thread. A sequence of the base model ({@code null} adapter) is
 * never held back and loads nothing.
 */
public final class LoraSlots {

    private final int maxLoras;
    private final int maxCpuLoras;
    /** Running sequences per adapter; an adapter leaves the map with its last sequence. */
    private final Map<String, Integer> running = new HashMap<>();
    /** Adapters held in host memory, least recently used first (access order). */
    private final LinkedHashMap<String, Boolean> held = new LinkedHashMap<>(16, 0.75f, true);
    private long loads;

    /** vLLM's defaults: as many adapters held in host memory as fit in the batch. */
    public LoraSlots(int maxLoras) {
        this(maxLoras, maxLoras);
    }

    public LoraSlots(int maxLoras, int maxCpuLoras) {
        if (maxLoras <= 0 || maxCpuLoras < maxLoras) {
            throw new IllegalArgumentException("maxLoras: " + maxLoras + ", maxCpuLoras: " + maxCpuLoras
                    + " (expected: maxLoras > 0, maxCpuLoras >= maxLoras)");
        }
        this.maxLoras = maxLoras;
        this.maxCpuLoras = maxCpuLoras;
    }

    /** Whether a sequence of {@code adapter} may join the batch now: its adapter runs, or a slot is free. */
    public boolean admits(String adapter) {
        return adapter == null || running.containsKey(adapter) || running.size() < maxLoras;
    }

    /**
     * A sequence of {@code adapter} joins the batch ({@link #admits} said it may); returns whether
     * its adapter had to be loaded from disk first.
     */
    public boolean start(String adapter) {
        if (adapter == null) {
            return false;
        }
        if (running.merge(adapter, 1, Integer::sum) > 1) {
            return false;
        }
        if (held.get(adapter) != null) {
            return false;
        }
        if (held.size() >= maxCpuLoras) {
            evictIdle();
        }
        held.put(adapter, Boolean.TRUE);
        loads++;
        return true;
    }

    /** Drops the least recently used held adapter that does not run; there is one, as maxCpuLoras >= maxLoras. */
    private void evictIdle() {
        for (Iterator<String> lru = held.keySet().iterator(); lru.hasNext(); ) {
            if (!running.containsKey(lru.next())) {
                lru.remove();
                return;
            }
        }
    }

    /** A sequence of {@code adapter} has left the batch. */
    public void finish(String adapter) {
        if (adapter != null) {
            running.computeIfPresent(adapter, (name, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The adapters with sequences in the batch: vLLM's {@code running_lora_adapters}. */
    public Set<String> running() {
        return Set.copyOf(running.keySet());
    }

    /** Adapters loaded from disk so far. */
    public long loads() {
        return loads;
    }

    public int maxLoras() {
        return maxLoras;
    }
}
