package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Join-the-shortest-queue with perfect knowledge: every request goes to a ready replica with the
 * fewest requests in it right now (in its engine or on their way in), ties broken at random. No
 * router that counts requests can do better; it is the yardstick for qgate's policies.
 */
final class Oracle implements Routing {

    private final Fleet fleet;
    private final SplittableRandom random;
    private long received;

    Oracle(Fleet fleet, SplittableRandom random) {
        this.fleet = requireNonNull(fleet, "fleet");
        this.random = requireNonNull(random, "random");
    }

    @Override
    public Replica route(Request request) {
        received++;
        List<Replica> ready = fleet.accepting();
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
