package io.qgate.gateway.metrics;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the {@code model} label: a model name is a label value only once it is known to be
 * real, because the configuration lists it or a replica answered a request for it with a 2xx
 * (LiteLLM rejects models it does not serve); anything else is {@code other}. So a client
 * sending random model names cannot grow the metrics, nor push real models out. At most
 * {@code max} names are learnt from answers. Requests that name no model are labelled
 * {@code none}. Thread-safe.
 */
final class ModelLabels {

    static final String OTHER = "other";
    static final String NONE = "none";
    private static final int MAX_LENGTH = 200;

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final int max;

    ModelLabels(int max, Collection<String> configured) {
        this.max = max;
        for (String model : configured) {
            if (!model.isEmpty() && model.length() <= MAX_LENGTH) {
                known.add(model);
            }
        }
    }

    String label(String model) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        return known.contains(model) ? model : OTHER;
    }

    /**
     * A replica answered a request for {@code model} with success: label it as it is from now on.
     *
     * @return whether the model was new
     */
    boolean served(String model) {
        if (model == null || model.isEmpty() || model.length() > MAX_LENGTH || known.contains(model)
                || known.size() >= max) {
            return false;
        }
        // Two threads may both add past the limit by one or two; a bound, not an exact count.
        return known.add(model);
    }
}
