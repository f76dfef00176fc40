package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LoRA adapter names any replica has reported active, so that a decision tells with one
 * lookup whether the requested model is an adapter, and a request for a base model pays nothing.
 *
 * <p>Grows only: an adapter that went idle everywhere is still an adapter, and forgetting it
 * would take a scan of the fleet per scrape. Bounded, because the names come from replicas'
 * metrics; a fleet past the bound still routes every request, by load alone for the adapters
 * it did not note.
 */
final class KnownAdapters {

    static final int MAX = 4096;

    private final Set<String> names = ConcurrentHashMap.newKeySet();
    /** A plain read on the decision path: no adapter was ever seen in most fleets. */
    private volatile boolean any;

    /** Notes the adapters of one scrape; called only when a replica's report changed. */
    void note(LoraAdapters lora) {
        for (String adapter : lora.adapters()) {
            if (names.size() < MAX && names.add(adapter)) {
                any = true;
            }
        }
    }

    /** Whether some replica has reported {@code model} as an adapter. */
    boolean contains(String model) {
        return any && model != null && names.contains(model);
    }
}
