package io.qgate.fleet;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An engine's LoRA adapter slots: the GPU holds {@code maxLoras} adapters, least recently used
 * first out; a sequence whose adapter is not among them loads it (what a router can save), in
 * place of the least recently used adapter that no sequence runs with, or of the least recently
 * used one when all are in use (a swap). The one rule of both simulators, as {@link EngineModel}
 * is their one model of time.
 *
 * <p>vLLM also keeps a sequence out of the batch while {@code max_loras} other adapters run in
 * it, and passes over it to the sequences behind; under steady traffic for the running adapters
 * that starves it. Neither that nor a strict first-come first-served wait for a slot (which
 * stalls the whole queue for as long as a running adapter takes to drain) is modelled: both
 * collapsed a fleet of 4 replicas with 2 slots and 12 adapters at 80% load whoever routed, which
 * says how to configure vLLM ({@code --max-loras} at least the hot adapters a replica serves),
 * not how to route. Here a poor placement costs loads and their time.
 *
 * <p>Confined to the engine's thread. A sequence of the base model ({@code null} adapter) loads
 * nothing.
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

    /** A sequence of {@code adapter} starts; returns whether its adapter had to be loaded first. */
    public boolean start(String adapter) {
        if (adapter == null) {
            return false;
        }
        running.merge(adapter, 1, Integer::sum);
        if (loaded.get(adapter) != null) {
            return false;
        }
        if (loaded.size() >= maxLoras) {
            evict();
        }
        loaded.put(adapter, Boolean.TRUE);
        loads++;
        return true;
    }

    /** Unloads the least recently used adapter no sequence runs with, or else the least recently used. */
    private void evict() {
        for (Iterator<String> lru = loaded.keySet().iterator(); lru.hasNext(); ) {
            if (!running.containsKey(lru.next())) {
                lru.remove();
                return;
            }
        }
        Iterator<String> lru = loaded.keySet().iterator();
        lru.next();
        lru.remove();
    }

    /** A sequence of {@code adapter} has left the batch. */
    public void finish(String adapter) {
        if (adapter != null) {
            running.computeIfPresent(adapter, (name, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * The loaded adapters with sequences running: what vLLM reports as running, where a running
     * adapter is always loaded. A sequence whose adapter was swapped out runs on here (the
     * simplification above) but no longer counts: its adapter holds no slot.
     */
    public Set<String> running() {
        Set<String> active = new LinkedHashSet<>();
        for (String adapter : loaded.keySet()) {
            if (running.containsKey(adapter)) {
                active.add(adapter);
            }
        }
        return active;
    }

    /** Adapters loaded so far. */
    public long loads() {
        return loads;
    }

    public int maxLoras() {
        return maxLoras;
    }
}
