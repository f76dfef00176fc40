package io.qgate.routing;

import io.qgate.routing.metrics.LoraAdapters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends a LoRA adapter's requests to the few replicas it calls home, and elsewhere only where it
 * can start at once. vLLM runs at most {@code --max-loras} adapters in a batch and holds a request
 * for any other adapter back until every request of one running adapter has finished; it keeps
 * admitting the running adapters' new requests meanwhile, so a replica that keeps receiving them
 * never frees the slot. Slots are what routing spends, more than loads: a request sent where its
 * adapter cannot run waits for seconds, not for a load's milliseconds.
 *
 * <p>The homes ({@link AdapterPlacement}) are recomputed every {@link #REPLAN_NANOS} from the
 * adapters' demand as this gateway sends it ({@link AdapterDemand}), the replicas and their
 * {@code max_lora}: each adapter on as few replicas as its demand needs, no replica home to more
 * adapters than slots while another has one free. A home scores {@link #HOME}. Elsewhere, from the
 * last fresh {@code vllm:lora_requests_info} and what this gateway sent there since that scrape
 * (a scrape lags by up to its interval, and until it shows an adapter the next requests for it
 * would take a slot elsewhere): {@link #RUNS} the adapter is in the batch or was just sent there;
 * {@link #DRAIN} it runs there but the replica holds another adapter back, so its requests had
 * better go where they are at home and let this slot drain; {@link #ROOM} a slot is free;
 * {@link #HELD} its requests are held back there already; 0 the slots are full of others.
 *
 * <p>Like prefix affinity it yields to the queue: a replica whose load exceeds the lowest by more
 * than the affinity margin scores 0, so an adapter spills beyond its homes only when they are
 * busier than the rest, and then to where it runs or a slot is free. Unless no replica within the
 * margin could start the request at once: a longer queue drains, a slot held by adapters that
 * keep receiving requests may never free, so then the margin gives way.
 *
 * <p>Applies only when the requested model is an adapter some replica reported
 * ({@link KnownAdapters}); a request for the base model does not run it. A replica that reports
 * no LoRA, or whose scrape is stale, scores 0: nothing is known to make it a good place.
 */
final class LoraAffinityScorer implements Scorer {

    static final double HOME = 1.0;
    /** Close to {@link #HOME}, so load decides between them; far above {@link #ROOM}, so a slot is not taken lightly. */
    static final double RUNS = 0.9;
    static final double ROOM = 0.4;
    static final double DRAIN = 0.3;
    static final double HELD = 0.2;

    /** How often the homes are recomputed: demand moves over tens of seconds. */
    static final long REPLAN_NANOS = 1_000_000_000L;
    /** Bounds the adapters remembered per replica; a sent adapter counts only until the next scrape anyway. */
    static final int MAX_SENT = 64;
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;

    /** The homes in force, and when they were computed. */
    private record Plan(long atNanos, Map<String, Set<String>> homes) {}

    private static final Plan NO_PLAN = new Plan(0, Map.of());

    /**
     * Per replica (authority), per adapter, when this gateway last sent a request of it there.
     * Bounded like {@link KnownAdapters}: replicas beyond the bound are scored on scrapes alone.
     */
    private final Map<String, Map<String, Long>> sent = new ConcurrentHashMap<>();
    /** The adapters this scorer has scored: only their picks are worth remembering. */
    private final Set<String> scored = ConcurrentHashMap.newKeySet();
    private final AdapterDemand demand = new AdapterDemand();
    private final AtomicBoolean planning = new AtomicBoolean();
    /** Null until the first decision that scores an adapter. */
    private volatile Plan plan;

    @Override
    public String name() {
        return "lora";
    }

    @Override
    public boolean applies(Decision decision) {
        return decision.table().knownAdapters().contains(decision.request().model());
    }

    /**
     * An adapter's request weighs every replica: where the adapter runs or a slot is free is known
     * only from each replica's scrape, and a sample that missed them would take a slot elsewhere,
     * which costs seconds.
     */
    @Override
    public boolean nominate(Decision decision) {
        return false;
    }

    @Override
    public void score(Decision decision, double[] scores) {
        String adapter = decision.request().model();
        if (scored.size() < KnownAdapters.MAX) {
            scored.add(adapter);
        }
        long now = decision.nowNanos();
        long staleAfter = decision.staleAfterNanos();
        Set<String> homes = plan(decision).homes().getOrDefault(adapter, Set.of());
        EndpointLoad[] candidates = decision.loads();
        boolean startsWithinMargin = false;
        for (int i = 0; i < decision.size(); i++) {
            EndpointLoad load = candidates[i];
            LoraAdapters lora = load.lora(now, staleAfter);
            if (!lora.reported()) {
                scores[i] = 0.0;
                continue;
            }
            String authority = decision.endpoint(i).authority();
            long scrapedAt = now - load.scrapeAgeNanos(now);
            scores[i] = homes.contains(authority) ? HOME : away(adapter, lora, sent.get(authority), scrapedAt);
            startsWithinMargin |= scores[i] >= ROOM && decision.withinMargin(i);
        }
        // The margin keeps the queue balanced, but a request that cannot start where the margin
        // lets it go waits for a slot to drain, which under steady traffic may be never.
        if (startsWithinMargin) {
            for (int i = 0; i < decision.size(); i++) {
                if (!decision.withinMargin(i)) {
                    scores[i] = 0.0;
                }
            }
        }
    }

    /** The plan in force, recomputed by one thread when it is older than {@link #REPLAN_NANOS}. */
    private Plan plan(Decision decision) {
        Plan current = plan;
        long now = decision.nowNanos();
        if (current != null && now - current.atNanos() < REPLAN_NANOS || !planning.compareAndSet(false, true)) {
            return current != null ? current : NO_PLAN;
        }
        try {
            LoadTable.Accepting accepting = decision.table().accepting();
            List<String> replicas = new ArrayList<>(accepting.endpoints().length);
            int slots = Integer.MAX_VALUE;
            for (int i = 0; i < accepting.endpoints().length; i++) {
                LoraAdapters lora = accepting.loads()[i].lora(now, decision.staleAfterNanos());
                if (lora.reported()) {
                    replicas.add(accepting.endpoints()[i].authority());
                    slots = Math.min(slots, lora.maxLora());
                }
            }
            Map<String, Set<String>> before = current == null ? Map.of() : current.homes();
            Plan next = new Plan(now, AdapterPlacement.place(demand.rates(now), replicas, slots, before));
            plan = next;
            return next;
        } finally {
            planning.set(false);
        }
    }

    /** The score of a replica that is not one of the adapter's homes; see the class comment. */
    private static double away(String adapter, LoraAdapters lora, Map<String, Long> sentThere, long scrapedAt) {
        boolean sentSince = sentSince(sentThere, adapter, scrapedAt);
        if (lora.runs(adapter) || sentSince) {
            return lora.starving() && !sentSince ? DRAIN : RUNS;
        }
        if (lora.active(adapter)) {
            // Waiting there: held back for a slot, or only behind the queue, about to join.
            return lora.starving() ? HELD : RUNS;
        }
        int active = lora.mostActive() + sentElsewhere(sentThere, lora, scrapedAt);
        return active < lora.maxLora() ? ROOM : 0.0;
    }

    private static boolean sentSince(Map<String, Long> sentThere, String adapter, long scrapedAt) {
        Long at = sentThere == null ? null : sentThere.get(adapter);
        return at != null && at > scrapedAt;
    }

    /** Adapters sent since the scrape that the scrape does not show: each takes a slot. */
    private static int sentElsewhere(Map<String, Long> sentThere, LoraAdapters lora, long scrapedAt) {
        if (sentThere == null) {
            return 0;
        }
        int n = 0;
        for (Map.Entry<String, Long> e : sentThere.entrySet()) {
            if (e.getValue() > scrapedAt && !lora.active(e.getKey())) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void picked(RouteRequest request, Endpoint chosen, long nowNanos) {
        String model = request.model();
        if (model == null || !scored.contains(model)) {
            return;
        }
        demand.count(model);
        Map<String, Long> sentThere = sent.get(chosen.authority());
        if (sentThere == null) {
            if (sent.size() >= KnownAdapters.MAX) {
                return;
            }
            sentThere = sent.computeIfAbsent(chosen.authority(), authority -> new ConcurrentHashMap<>());
        }
        if (sentThere.size() >= MAX_SENT && !sentThere.containsKey(model)) {
            // Sends older than any scrape worth reading say nothing any more.
            sentThere.values().removeIf(at -> nowNanos - at > FORGET_AFTER_NANOS);
        }
        if (sentThere.size() < MAX_SENT || sentThere.containsKey(model)) {
            sentThere.put(model, nowNanos);
        }
    }
}
