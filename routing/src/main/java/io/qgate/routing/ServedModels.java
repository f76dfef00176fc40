package io.qgate.routing;

import java.util.HashSet;
import java.util.Set;

/**
 * The models replicas report under vLLM's served names: those some replica reports, and those
 * every reporting replica reports. LiteLLM may alias them, so a replica counts as known not to
 * serve a model only when the client used a name some replica reports.
 */
record ServedModels(Set<String> bySome, Set<String> byAll) {

    static final ServedModels NONE = new ServedModels(Set.of(), Set.of());

    /** Whether some replicas are known not to serve {@code model}: only then is there filtering. */
    boolean partly(String model) {
        return bySome.contains(model) && !byAll.contains(model);
    }

    /** The summary of what {@code replicas} report; a replica that reports nothing is unknown, not empty. */
    static ServedModels of(EndpointLoad[] replicas) {
        Set<String> union = new HashSet<>();
        Set<String> intersection = null;
        for (EndpointLoad replica : replicas) {
            Set<String> models = replica.models();
            if (models.isEmpty()) {
                continue;
            }
            union.addAll(models);
            if (intersection == null) {
                intersection = new HashSet<>(models);
            } else {
                intersection.retainAll(models);
            }
        }
        return new ServedModels(Set.copyOf(union), intersection == null ? Set.of() : Set.copyOf(intersection));
    }
}
