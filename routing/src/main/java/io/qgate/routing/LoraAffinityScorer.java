package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;

/**
 * Prefers the replica where the requested LoRA adapter is already active (requests of it running
 * or waiting), then one with a free adapter slot, and avoids one that would have to swap an
 * adapter out: vLLM runs at most {@code --max-loras} adapters in a batch, so a request for
 * another one waits until a slot drains, and then pays the adapter's load. Like prefix affinity
 * it yields to the queue: a replica whose load exceeds the lowest by more than the affinity
 * margin scores 0 however warm its adapter. Unlike prefix affinity it does not also give way to
 * any waiting request: requests wait when adapters are badly placed, the very thing this scorer
 * mends, and giving way then would leave them badly placed for good (seen in the fleet
 * simulation: with that rule the scorer changed nothing at 80% load).
 *
 * <p>Applies only when the requested model is an adapter some replica reported
 * ({@link KnownAdapters}); a request for the base model does not run it. A replica that reports
 * no LoRA state, or whose scrape is stale, scores 0: nothing is known to make it a good place.
 */
final class LoraAffinityScorer implements Scorer {

    /** The adapter is running or waiting there: no load, no swap. */
    static final double ACTIVE = 1.0;
    /** A slot is free: one load, but nothing evicted and nothing waits for a slot. */
    static final double ROOM = 0.5;

    static final LoraAffinityScorer INSTANCE = new LoraAffinityScorer();

    private LoraAffinityScorer() {
    }

    @Override
    public String name() {
        return "lora";
    }

    @Override
    public boolean applies(Decision decision) {
        return decision.table().knownAdapters().contains(decision.request().model());
    }

    @Override
    public void score(Decision decision, double[] scores) {
        String adapter = decision.request().model();
        long now = decision.nowNanos();
        long staleAfter = decision.staleAfterNanos();
        EndpointLoad[] candidates = decision.loads();
        for (int i = 0; i < decision.size(); i++) {
            LoraAdapters lora = candidates[i].lora(now, staleAfter);
            if (!lora.reported() || !decision.withinMargin(i)) {
                scores[i] = 0.0;
            } else if (lora.active(adapter)) {
                scores[i] = ACTIVE;
            } else {
                scores[i] = lora.room() ? ROOM : 0.0;
            }
        }
    }
}
