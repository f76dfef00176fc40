package io.qgate.routing;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Any candidate, uniformly. */
final class RandomPicker implements EndpointPicker {

    private final Supplier<RandomGenerator> random;

    RandomPicker(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public int pick(RouteRequest request, Candidates candidates, LoadView view) {
        return random.get().nextInt(candidates.size());
    }

    @Override
    public String name() {
        return "random";
    }
}
