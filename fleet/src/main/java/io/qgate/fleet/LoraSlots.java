package io.qgate.fleet;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An engine's LoRA adapter slots, kept as vLLM keeps them: at most {@code maxLoras} adapters
 * have sequences running at once; the GPU holds {@code maxLoras} adapters, which stay loaded
 * after their last sequence until a newly needed one evicts the least recently used idle one.
 *
 * <p>A sequence of another adapter waits until a slot drains. vLLM's scheduler passes over it and
 * admits the sequences behind it, which under steady traffic for the running adapters starves it;
 * the simulators keep their strict first-come first-served admission ({@link EngineModel}), so
 * the queue stops behind it, the slot drains and the adapter is swapped in: every adapter is
 * served, and what a poor placement costs shows as swaps and waiting. Loading is what a
 * router can save: an adapter that is already loaded costs nothing. The one rule of both
 * simulators, as {@link EngineModel} is their one model of time.
 *
 * <p>Confined to the engine's thread. A sequence of the base model ({@code null} adapter) is
 * never held back and loads nothing.
 */
public final class LoraSlots {

    private final int maxLoras;
    /** Running sequences per adapter; an adapter leaves the map with its last sequence. */
    private final Map<String, Integer> running = new HashMap<>();
    /** The loaded adapters, least recently used first (access order). */
    private final LinkedHashMap<String, Boolean> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private long loads;

    public LoraSlots(int maxLoras) {
        if (maxLoras <= 0) {
            throw new IllegalArgumentException("maxLoras: " + maxLoras + " (expected: > 0)");
        }
        this.maxLoras = maxLoras;
    }

    /** Whether a sequence of {@code adapter} may start now: its adapter runs already, or a slot is free. */
    public boolean canRun(String adapter) {
        return adapter == null || running.containsKey(adapter) || running.size() < maxLoras;
    }

    /**
     * A sequence of {@code adapter} starts (only after {@link #canRun}); returns whether its
     * adapter had to be loaded first.
     */
    public boolean start(String adapter) {
        if (adapter == null) {
            return false;
        }
        running.merge(adapter, 1, Integer::sum);
        if (loaded.get(adapter) != null) {
            return false;
        }
        if (loaded.size() >= maxLoras) {
            // At most maxLoras - 1 other adapters run, so an idle loaded one is always there.
            for (Iterator<String> lru = loaded.keySet().iterator(); lru.hasNext(); ) {
                if (!running.containsKey(lru.next())) {
                    lru.remove();
                    break;
                }
            }
        }
        loaded.put(adapter, Boolean.TRUE);
        loads++;
        return true;
    }

    /** A sequence of {@code adapter} has left the batch. */
    public void finish(String adapter) {
        if (adapter != null) {
            running.computeIfPresent(adapter, (name, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The adapters with sequences running (a view). */
    public Set<String> running() {
        return Collections.unmodifiableSet(running.keySet());
    }

    /** Adapters loaded so far. */
    public long loads() {
        return loads;
    }

    public int maxLoras() {
        return maxLoras;
    }
}
