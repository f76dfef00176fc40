package io.qgate.routing;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Any candidate, uniformly. */
final class RandomPicker implements EndpointPicker {

    private final Supplier<RandomGenerator> random;

    RandomPicker(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public Endpoint pick(RouteRequest request, List<Endpoint> candidates, LoadView load) {
        return candidates.get(random.get().nextInt(candidates.size()));
    }

    @Override
    public String name() {
        return "random";
    }
}
