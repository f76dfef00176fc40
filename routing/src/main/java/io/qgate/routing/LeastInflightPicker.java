package io.qgate.routing;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices: two candidates at random, the one with fewer of this gateway's requests
 * in flight. Nearly as good as scanning all for the least, and several gateways doing it at once
 * do not all pile onto the same replica.
 */
final class LeastInflightPicker implements EndpointPicker {

    private final Supplier<RandomGenerator> random;

    LeastInflightPicker(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public int pick(RouteRequest request, Candidates candidates, LoadView view) {
        int n = candidates.size();
        if (n == 1) {
            return 0;
        }
        RandomGenerator r = random.get();
        int first = r.nextInt(n);
        int second = r.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        return candidates.load(second).inflight() < candidates.load(first).inflight() ? second : first;
    }

    @Override
    public String name() {
        return "least-inflight";
    }
}
