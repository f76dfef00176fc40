package io.qgate.gateway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the {@code model} label: the first {@code max} distinct model names are labelled as
 * they are, later ones {@code other}, so that a client sending random model names cannot grow
 * the metrics without limit. Requests that name no model are labelled {@code none}.
 */
final class ModelLabels {

    static final String OTHER = "other";
    static final String NONE = "none";
    private static final int MAX_LENGTH = 200;

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final int max;

    ModelLabels(int max) {
        this.max = max;
    }

    String label(String model) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        if (known.contains(model)) {
            return model;
        }
        if (model.length() > MAX_LENGTH || known.size() >= max) {
            return OTHER;
        }
        // Two threads may both add past the limit by one or two; a bound, not an exact count.
        known.add(model);
        return model;
    }
}
