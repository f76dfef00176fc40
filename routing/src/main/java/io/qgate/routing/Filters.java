package io.qgate.routing;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filters every strategy runs, in this order: each is a name, when it applies (cheaply, from
 * the request or a summary of the table) and which candidates it keeps. Add a filter here.
 */
final class Filters {

    /** A filter's test of one candidate. */
    @FunctionalInterface
    interface Keeps {
        boolean keeps(Decision decision, int candidate);
    }

    private record Named(String name, Predicate<Decision> when, Keeps test, boolean givesWay) implements Filter {
        @Override
        public boolean applies(Decision decision) {
            return when.test(decision);
        }

        @Override
        public boolean keeps(Decision decision, int candidate) {
            return test.keeps(decision, candidate);
        }
    }

    /** Leaves out the replicas an earlier attempt of the same request failed on. */
    static final Filter EXCLUDED = new Named("excluded", decision -> !decision.excluded().isEmpty(),
            Filters::notExcluded, false);

    /**
     * Leaves out the replicas known not to serve the requested model. Applies only when some
     * replica reports the model and some other does not: a name no replica reports may be an
     * alias that every replica answers to, and a replica that reports nothing is unknown, not empty.
     */
    static final Filter SERVED_MODEL = new Named("served-model", Filters::modelPartlyServed, Filters::servesModel,
            false);

    /**
     * Leaves out ejected replicas, unless every candidate is ejected: then trying one beats
     * failing every request. Applies only before the table's ejection horizon, so a fleet with no
     * recent ejection pays nothing.
     */
    static final Filter EJECTED = new Named("ejected",
            decision -> decision.table().ejectionsPossible(decision.nowNanos()),
            (decision, candidate) -> !decision.load(candidate).ejection().ejected(decision.nowNanos()), true);

    static final List<Filter> ALL = List.of(EXCLUDED, SERVED_MODEL, EJECTED);

    private Filters() {
    }

    private static boolean notExcluded(Decision decision, int candidate) {
        Endpoint endpoint = decision.endpoint(candidate);
        for (Endpoint failed : decision.excluded()) {
            if (endpoint.sameAddress(failed)) {
                return false;
            }
        }
        return true;
    }

    private static boolean modelPartlyServed(Decision decision) {
        String model = decision.request().model();
        return model != null && decision.table().servedModels().partly(model);
    }

    private static boolean servesModel(Decision decision, int candidate) {
        Set<String> models = decision.load(candidate).models();
        return models.isEmpty() || models.contains(decision.request().model());
    }
}
