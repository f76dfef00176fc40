package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Prefers the replica where the requested LoRA adapter is already active (requests of it running
 * or waiting), then one with a free adapter slot, and avoids one that would have to swap an
 * adapter out: vLLM runs at most {@code --max-loras} adapters in a batch, so a request for
 * another one waits until a slot drains, and then pays the adapter's load. Like prefix affinity
 * it yields to the queue: a replica whose load exceeds the lowest by more than the affinity
 * margin scores 0 however warm its adapter. Unlike prefix affinity it does not also give way to
 * any waiting request: requests wait when adapters are badly placed, the very thing this scorer
 * mends, and giving way then would leave them badly placed for good (seen in the fleet
 * simulation, with engines that made a request wait for a slot: with that rule the scorer
 * changed nothing at 80% load).
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

    /**
     * Per adapter, the replica this gateway last sent it to. A scrape shows an adapter active only
     * once its request is in the engine, up to a scrape interval later; until then the next
     * requests for it would land elsewhere and load it again. Written only when the pick moves,
     * so that a request for a sticky adapter writes nothing; bounded like {@link KnownAdapters}.
     */
    private final ConcurrentHashMap<String, String> lastPicked = new ConcurrentHashMap<>();

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
        if (lastPicked.size() < KnownAdapters.MAX) {
            lastPicked.putIfAbsent(adapter, "");
        }
        String recent = lastPicked.get(adapter);
        long now = decision.nowNanos();
        long staleAfter = decision.staleAfterNanos();
        EndpointLoad[] candidates = decision.loads();
        for (int i = 0; i < decision.size(); i++) {
            LoraAdapters lora = candidates[i].lora(now, staleAfter);
            if (!lora.reported() || !decision.withinMargin(i)) {
                scores[i] = 0.0;
            } else if (lora.active(adapter) || decision.endpoint(i).authority().equals(recent)) {
                scores[i] = ACTIVE;
            } else {
                scores[i] = lora.room() ? ROOM : 0.0;
            }
        }
    }

    @Override
    public void picked(RouteRequest request, Endpoint chosen) {
        // Only adapters scored before are in the map: a request for the base model reads, never writes.
        String model = request.model();
        String previous = model == null ? null : lastPicked.get(model);
        if (previous != null && !previous.equals(chosen.authority())) {
            lastPicked.put(model, chosen.authority());
        }
    }
}
