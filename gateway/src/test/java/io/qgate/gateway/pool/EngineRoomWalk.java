package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.Router;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The reference for {@link EngineRoom}: the room as it was computed before it was kept, by a walk
 * over every accepting replica at each read. One change from that walk: it learns limits from
 * every replica's fresh scrape, where the old walk stopped learning at the first replica whose
 * limit was unknown (it returned at once); the kept room learns from every scrape, as its
 * javadoc always said. The tests hold the kept room to this, and the benchmark measures both.
 *
 * <p>Thread-safe as the old walk was: a concurrent map of limits, every read on its own.
 */
final class EngineRoomWalk implements IntSupplier {

    private final Router router;
    private final int configuredLimit;
    private final EngineAllowance allowance;
    private final Map<String, Integer> learned = new ConcurrentHashMap<>();

    EngineRoomWalk(Router router, int configuredLimit, int engineQueue) {
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
        boolean unknown = false;
        for (Endpoint endpoint : accepting) {
            EndpointLoad load = router.load(endpoint);
            int limit = configuredLimit > 0 ? configuredLimit : learn(endpoint, load, now, staleAfter);
            unknown |= limit <= 0;
            long open = load.inflight() + load.peers().inflight();
            unexplained = Math.max(unexplained, load.estimatedLoad(now, staleAfter, true) - open);
        }
        if (unknown) {
            return Integer.MAX_VALUE;
        }
        int extra = allowance.allowance(unexplained >= EngineAllowance.UNEXPLAINED, now);
        long room = 0;
        for (Endpoint endpoint : accepting) {
            EndpointLoad load = router.load(endpoint);
            int limit = configuredLimit > 0 ? configuredLimit : learned.getOrDefault(endpoint.authority(), 0);
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

    void retain(Collection<Endpoint> endpoints) {
        Set<String> known = new HashSet<>();
        endpoints.forEach(endpoint -> known.add(endpoint.authority()));
        learned.keySet().retainAll(known);
    }
}
