package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Join-the-shortest-queue with perfect knowledge: every request goes to a ready replica with the
 * fewest requests in it right now (in its engine or on their way in), ties broken at random. No
 * router that counts requests can do better; it is the yardstick for qgate's policies.
 *
 * <p>With {@code partition}, a bound rather than a router one could deploy: every request of a
 * shared context (a tenant's) goes to that context's one home, the contexts dealt out over the
 * replicas in turn (context {@code i} to replica {@code i mod n}), so no context is ever prefilled
 * on a second replica and the KV caches hold each context once; only requests that share nothing
 * join the shortest queue. It reads no load for tenants: it shows how far perfect affinity alone
 * carries a fleet, until one home's share of the traffic overloads it.
 */
final class Oracle implements Routing {

    private final Fleet fleet;
    private final SplittableRandom random;
    private final boolean partition;
    private long received;

    Oracle(Fleet fleet, SplittableRandom random, boolean partition) {
        this.fleet = requireNonNull(fleet, "fleet");
        this.random = requireNonNull(random, "random");
        this.partition = partition;
    }

    @Override
    public Replica route(Request request) {
        received++;
        List<Replica> ready = fleet.accepting();
        if (partition && request.prefixId >= 0 && !ready.isEmpty()) {
            return ready.get(request.prefixId % ready.size());
        }
        Replica best = null;
        int bestLoad = Integer.MAX_VALUE;
        int ties = 0;
        for (int i = 0, n = ready.size(); i < n; i++) {
            Replica replica = ready.get(i);
            int load = replica.trueLoad();
            if (load < bestLoad) {
                best = replica;
                bestLoad = load;
                ties = 1;
            } else if (load == bestLoad && random.nextInt(++ties) == 0) {
                best = replica;
            }
        }
        return best;
    }

    @Override
    public void finished(Request request) {
        // The oracle keeps no books: it reads the truth on every decision.
    }

    @Override
    public long received() {
        return received;
    }
}
