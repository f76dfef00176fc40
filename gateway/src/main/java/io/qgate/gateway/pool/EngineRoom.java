package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.Router;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * How many requests this gateway may have at a pool's replicas before their engines are
 * saturated: per ready replica, its batch limit plus a small allowance ({@link EngineAllowance}:
 * where other gateways' finishes show only in scrapes, so an engine does not idle until the next
 * one), less what other gateways keep there; summed. Beyond
 * it requests wait at the gateway, where they can still go to whichever replica frees up first,
 * in priority and fair order, instead of in one engine's queue.
 *
 * <p>A replica's batch limit is configured ({@code admission.max-num-seqs}) or learnt: whenever a
 * scrape shows requests waiting, the engine was full, and what it was running is its limit (the
 * largest such reading is kept). Until every ready replica has a known limit the room is
 * unbounded: the gateway holds nothing on a guess. A replica whose scrapes have gone stale keeps
 * its known limit and is counted by what the gateways have open there, as routing counts it
 * meanwhile: a few missed scrapes on a busy machine must not release the whole queue into the
 * engines at once.
 */
final class EngineRoom implements IntSupplier {

    private final Router router;
    private final int configuredLimit;
    private final EngineAllowance allowance;
    private final Map<String, Integer> learned = new ConcurrentHashMap<>();

    /**
     * @param configuredLimit each engine's batch limit (vLLM's max-num-seqs), or 0 to learn it
     * @param engineQueue     requests an engine may have waiting before it counts as saturated,
     *                        or {@link EngineAllowance#AUTO}
     */
    EngineRoom(Router router, int configuredLimit, int engineQueue) {
        this.router = router;
        this.configuredLimit = configuredLimit;
        this.allowance = new EngineAllowance(engineQueue);
    }

    @Override
    public int getAsInt() {
        long now = router.nowNanos();
        long staleAfter = router.settings().staleAfter().toNanos();
        List<Endpoint> accepting = router.snapshot().accepting();
        double unexplained = 0;
        for (Endpoint endpoint : accepting) {
            EndpointLoad load = router.load(endpoint);
            int limit = configuredLimit > 0 ? configuredLimit : learn(endpoint, load, now, staleAfter);
            if (limit <= 0) {
                return Integer.MAX_VALUE;
            }
            // Load that neither this gateway nor a peer has open there: gateways it does not hear from.
            long open = load.inflight() + load.peers().inflight();
            unexplained = Math.max(unexplained, load.estimatedLoad(now, staleAfter, true) - open);
        }
        int extra = allowance.allowance(unexplained, now);
        long room = 0;
        for (Endpoint endpoint : accepting) {
            EndpointLoad load = router.load(endpoint);
            int limit = configuredLimit > 0 ? configuredLimit : learned.getOrDefault(endpoint.authority(), 0);
            // What the engine holds that is not this gateway's: other gateways' requests.
            double others = Math.max(0, load.estimatedLoad(now, staleAfter, true) - load.inflight());
            room += Math.max(0, (long) Math.floor(limit + extra - others));
        }
        return (int) Math.min(room, Integer.MAX_VALUE);
    }

    private int learn(Endpoint endpoint, EndpointLoad load, long now, long staleAfter) {
        double waiting = load.scrapedWaiting(now, staleAfter);
        double running = load.scrapedRunning(now, staleAfter);
        if (waiting > 0 && running >= 1) {
            return learned.merge(endpoint.authority(), (int) running, Math::max);
        }
        return learned.getOrDefault(endpoint.authority(), 0);
    }

    /** Forgets the limits of replicas that are gone (a new pod may run another configuration). */
    void retain(java.util.Collection<Endpoint> endpoints) {
        java.util.Set<String> known = new java.util.HashSet<>();
        endpoints.forEach(endpoint -> known.add(endpoint.authority()));
        learned.keySet().retainAll(known);
    }

    /** The learnt batch limit of a replica, 0 when not known. */
    int learnedLimit(Endpoint endpoint) {
        return learned.getOrDefault(endpoint.authority(), 0);
    }
}
