package io.qgate.bench.sim;

import io.qgate.fleet.LoraSlots;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The engine's LoRA slots ({@link LoraSlots}, the rule the fleet's virtual engine applies too)
 * and what a scrape on another thread reads of them: the running and waiting adapters,
 * comma-separated as vLLM's label carries them, republished after every change.
 */
final class LoraState {

    final LoraSlots slots;
    private volatile String runningView = "";
    private volatile String waitingView = "";

    LoraState(int maxLoras) {
        this.slots = new LoraSlots(maxLoras);
    }

    /** Republishes the running adapters and those of {@code waiting}; on the engine thread. */
    void publish(Iterable<Sequence> waiting) {
        runningView = String.join(",", slots.running());
        Set<String> queued = new LinkedHashSet<>();
        for (Sequence seq : waiting) {
            if (seq.adapter != null) {
                queued.add(seq.adapter);
            }
        }
        waitingView = String.join(",", queued);
    }

    String runningView() {
        return runningView;
    }

    String waitingView() {
        return waitingView;
    }

    int maxLoras() {
        return slots.maxLoras();
    }
}
