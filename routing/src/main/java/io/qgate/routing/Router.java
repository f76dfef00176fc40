package io.qgate.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Decides where each request goes: filters the current snapshot (excluded by an earlier
 * attempt, ejected, known not to serve the model), asks the picker, and records the pick at once
 * so that the next decision already sees it.
 *
 * <p>Thread-safe and lock-free on the request path: the snapshot is one volatile reference that
 * discovery swaps, and each endpoint's {@link EndpointLoad} is atomic counters plus an immutable
 * scrape sample. Time comes from the injected clock, so tests move it instead of sleeping.
 */
public final class Router implements LoadView {

    private final EndpointPicker picker;
    private final RoutingSettings settings;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, EndpointLoad> loads = new ConcurrentHashMap<>();
    private volatile EndpointSnapshot snapshot = EndpointSnapshot.empty();

    public Router(EndpointPicker picker, RoutingSettings settings, LongSupplier nanoClock) {
        this.picker = requireNonNull(picker, "picker");
        this.settings = requireNonNull(settings, "settings");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /** A router with default settings and the system clock. */
    public Router(EndpointPicker picker) {
        this(picker, RoutingSettings.defaults(), System::nanoTime);
    }

    /** Replaces the known endpoints; the load state of endpoints that are gone is dropped. */
    public void update(EndpointSnapshot newSnapshot) {
        requireNonNull(newSnapshot, "newSnapshot");
        for (Endpoint endpoint : newSnapshot.endpoints()) {
            loads.computeIfAbsent(endpoint.authority(), a -> new EndpointLoad());
        }
        snapshot = newSnapshot;
        java.util.Set<String> current = new java.util.HashSet<>();
        newSnapshot.endpoints().forEach(endpoint -> current.add(endpoint.authority()));
        // A dispatch in progress keeps its own reference, so dropping the entry is safe.
        loads.keySet().retainAll(current);
    }

    public EndpointSnapshot snapshot() {
        return snapshot;
    }

    public EndpointPicker picker() {
        return picker;
    }

    @Override
    public RoutingSettings settings() {
        return settings;
    }

    @Override
    public long nowNanos() {
        return nanoClock.getAsLong();
    }

    @Override
    public EndpointLoad load(Endpoint endpoint) {
        EndpointLoad load = loads.get(endpoint.authority());
        // An endpoint just removed by discovery may still be asked about; it has no load then.
        return load != null ? load : loads.computeIfAbsent(endpoint.authority(), a -> new EndpointLoad());
    }

    /** Whether {@code endpoint} is ejected now. */
    public boolean ejected(Endpoint endpoint) {
        return load(endpoint).ejection().ejected(nowNanos());
    }

    /** Milliseconds of ejection left for {@code endpoint}, 0 when it is not ejected. */
    public long ejectionRemainingMillis(Endpoint endpoint) {
        return load(endpoint).ejection().remainingNanos(nowNanos()) / 1_000_000;
    }

    /**
     * Picks an endpoint for {@code request} among those that accept requests, leaving out
     * {@code excluded} (endpoints an earlier attempt of the same request failed on).
     *
     * @return the dispatch, which the caller must {@link Dispatch#finish finish}; or
     *         {@code null} when no endpoint is available
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded) {
        List<Endpoint> candidates = candidates(request, excluded);
        if (candidates.isEmpty()) {
            return null;
        }
        Endpoint chosen = picker.pick(request, candidates, this);
        picker.picked(request, chosen);
        EndpointLoad load = load(chosen);
        load.dispatched();
        return new Dispatch(chosen, load, this);
    }

    private List<Endpoint> candidates(RouteRequest request, Collection<Endpoint> excluded) {
        List<Endpoint> accepting = snapshot.accepting();
        long now = nowNanos();
        boolean modelKnown = request.model() != null && someoneServes(accepting, request.model());
        boolean filter = !excluded.isEmpty() || modelKnown;
        if (!filter) {
            for (Endpoint endpoint : accepting) {
                if (load(endpoint).ejection().ejected(now)) {
                    filter = true;
                    break;
                }
            }
            if (!filter) {
                return accepting;
            }
        }
        List<Endpoint> remaining = new ArrayList<>(accepting.size());
        for (Endpoint candidate : accepting) {
            if (excluded.stream().anyMatch(candidate::sameAddress)) {
                continue;
            }
            if (modelKnown) {
                var models = load(candidate).models();
                if (!models.isEmpty() && !models.contains(request.model())) {
                    continue;
                }
            }
            remaining.add(candidate);
        }
        List<Endpoint> healthy = new ArrayList<>(remaining.size());
        for (Endpoint candidate : remaining) {
            if (!load(candidate).ejection().ejected(now)) {
                healthy.add(candidate);
            }
        }
        // When every replica is ejected, trying one beats failing every request.
        return healthy.isEmpty() ? remaining : healthy;
    }

    /**
     * Whether any replica reports serving {@code model} under that name. Replicas report vLLM's
     * served names, which LiteLLM may alias; only when the client uses a reported name does a
     * replica reporting other names count as known not to serve it.
     */
    private boolean someoneServes(List<Endpoint> endpoints, String model) {
        for (Endpoint endpoint : endpoints) {
            if (load(endpoint).models().contains(model)) {
                return true;
            }
        }
        return false;
    }

    /** One request sent to one endpoint; {@link #finish} it exactly once when it is over. */
    public static final class Dispatch {
        private final Endpoint endpoint;
        private final EndpointLoad load;
        private final Router router;
        private boolean finished;

        Dispatch(Endpoint endpoint, EndpointLoad load, Router router) {
            this.endpoint = endpoint;
            this.load = load;
            this.router = router;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** The request is over without a verdict on the replica (e.g. the client left). */
        public void finish() {
            if (!finished) {
                finished = true;
                load.finished();
            }
        }

        /**
         * The request is over; {@code replicaFailed} for a connect failure or a 5xx answer, which
         * count towards ejecting the replica.
         *
         * @return true when this failure ejected the replica
         */
        public boolean finish(boolean replicaFailed) {
            if (finished) {
                return false;
            }
            finish();
            if (replicaFailed) {
                return load.ejection().failure(router.nowNanos(), router.settings);
            }
            load.ejection().success();
            return false;
        }
    }
}
