package io.qgate.routing;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Decides where each request goes: filters the current snapshot (excluded by an earlier
 * attempt, ejected, known not to serve the model), asks the picker, and records the pick at once
 * so that the next decision already sees it.
 *
 * <p>Thread-safe and lock-free on the request path: discovery swaps one volatile table (the
 * snapshot, and the accepting endpoints beside their {@link EndpointLoad}s), and each load is
 * atomic counters plus an immutable scrape sample. The common case, nothing to filter, costs no
 * scan of the fleet: ejections and served models are summarised as they change. Time comes from
 * the injected clock, so tests move it instead of sleeping.
 */
public final class Router implements LoadView {

    /** The snapshot and, for its accepting endpoints, their loads in the same order. */
    private record Table(EndpointSnapshot snapshot, Candidates accepting) {}

    private final EndpointPicker picker;
    private final RoutingSettings settings;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, EndpointLoad> loads = new ConcurrentHashMap<>();
    private volatile Table table = new Table(EndpointSnapshot.empty(), new Candidates(new Endpoint[0],
            new EndpointLoad[0], 0));
    /** No replica is ejected after this instant: before it, ejections are checked one by one. */
    private volatile long ejectionHorizonNanos;
    private volatile boolean anyEjection;
    /** What replicas report serving, rebuilt only after a report changed. */
    private volatile ServedModels servedModels = new ServedModels(Set.of(), Set.of());
    private volatile boolean servedModelsStale;

    /** The models some replica reports, and those every reporting replica reports. */
    private record ServedModels(Set<String> bySome, Set<String> byAll) {
        /** Whether some replicas are known not to serve {@code model}: only then is there filtering. */
        boolean partly(String model) {
            return bySome.contains(model) && !byAll.contains(model);
        }
    }

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
        Set<String> current = new HashSet<>();
        for (Endpoint endpoint : newSnapshot.endpoints()) {
            current.add(endpoint.authority());
        }
        // A dispatch in progress keeps its own reference, so dropping an entry is safe.
        loads.keySet().retainAll(current);
        List<Endpoint> accepting = newSnapshot.accepting();
        Endpoint[] endpoints = accepting.toArray(new Endpoint[0]);
        EndpointLoad[] acceptingLoads = new EndpointLoad[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            acceptingLoads[i] = load(endpoints[i]);
        }
        table = new Table(newSnapshot, new Candidates(endpoints, acceptingLoads, endpoints.length));
        servedModelsStale = true;
    }

    public EndpointSnapshot snapshot() {
        return table.snapshot();
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
        return load != null ? load : loads.computeIfAbsent(endpoint.authority(),
                a -> new EndpointLoad(() -> servedModelsStale = true));
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
     * Whether some accepting, non-ejected endpoint has nothing to do by the routing estimate: a
     * request sent now would start at once, so holding it back (to batch it) could only add
     * latency. Models are not considered: this is a hint, not a routing decision.
     */
    public boolean anyIdle() {
        Candidates accepting = table.accepting();
        long now = nowNanos();
        long staleAfter = settings.staleAfter().toNanos();
        for (int i = 0; i < accepting.size(); i++) {
            EndpointLoad load = accepting.load(i);
            if (load.estimatedLoad(now, staleAfter, settings.queueCorrection()) < 0.5
                    && !load.ejection().ejected(now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Picks an endpoint for {@code request} among those that accept requests, leaving out
     * {@code excluded} (endpoints an earlier attempt of the same request failed on).
     *
     * @return the dispatch, which the caller must {@link Dispatch#finish finish}; or
     *         {@code null} when no endpoint is available
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded) {
        return dispatch(request, excluded, 1);
    }

    /**
     * Like {@link #dispatch(RouteRequest, Collection)} for a request that puts {@code sequences}
     * sequences into the engine (a batch of that many inputs), and counts as that many until it
     * finishes: the engine's queue grows by each of them.
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded, int sequences) {
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences: " + sequences + " (expected: > 0)");
        }
        Candidates candidates = candidates(request, excluded);
        if (candidates.size() == 0) {
            return null;
        }
        int chosen = picker.pick(request, candidates, this);
        Endpoint endpoint = candidates.endpoint(chosen);
        picker.picked(request, endpoint);
        EndpointLoad load = candidates.load(chosen);
        load.dispatched(sequences);
        return new Dispatch(endpoint, load, sequences, this);
    }

    private Candidates candidates(RouteRequest request, Collection<Endpoint> excluded) {
        Candidates all = table.accepting();
        long now = nowNanos();
        boolean checkEjections = anyEjection && now - ejectionHorizonNanos < 0;
        boolean modelKnown = request.model() != null && servedModels().partly(request.model());
        if (excluded.isEmpty() && !checkEjections && !modelKnown) {
            return all;
        }
        int n = all.size();
        Endpoint[] endpoints = new Endpoint[n];
        EndpointLoad[] kept = new EndpointLoad[n];
        int size = 0;
        int healthy = 0;
        // Two passes in one: everything that may serve, with the ejected ones moved to the back.
        Endpoint[] ejected = new Endpoint[n];
        EndpointLoad[] ejectedLoads = new EndpointLoad[n];
        int ejectedCount = 0;
        for (int i = 0; i < n; i++) {
            Endpoint candidate = all.endpoint(i);
            EndpointLoad load = all.load(i);
            if (!excluded.isEmpty() && isExcluded(candidate, excluded)) {
                continue;
            }
            if (modelKnown) {
                Set<String> models = load.models();
                if (!models.isEmpty() && !models.contains(request.model())) {
                    continue;
                }
            }
            if (checkEjections && load.ejection().ejected(now)) {
                ejected[ejectedCount] = candidate;
                ejectedLoads[ejectedCount++] = load;
                continue;
            }
            endpoints[size] = candidate;
            kept[size++] = load;
            healthy++;
        }
        if (healthy == 0 && ejectedCount > 0) {
            // When every replica is ejected, trying one beats failing every request.
            return new Candidates(ejected, ejectedLoads, ejectedCount);
        }
        return new Candidates(endpoints, kept, size);
    }

    private static boolean isExcluded(Endpoint candidate, Collection<Endpoint> excluded) {
        for (Endpoint endpoint : excluded) {
            if (candidate.sameAddress(endpoint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The models replicas report under vLLM's served names. LiteLLM may alias them, so a replica
     * counts as known not to serve a model only when the client used a name some replica reports.
     */
    private ServedModels servedModels() {
        if (servedModelsStale) {
            servedModelsStale = false;
            Set<String> union = new HashSet<>();
            Set<String> intersection = null;
            Candidates all = table.accepting();
            for (int i = 0; i < all.size(); i++) {
                Set<String> models = all.load(i).models();
                if (models.isEmpty()) {
                    continue; // unknown, not "serves nothing"
                }
                union.addAll(models);
                if (intersection == null) {
                    intersection = new HashSet<>(models);
                } else {
                    intersection.retainAll(models);
                }
            }
            servedModels = new ServedModels(Set.copyOf(union), intersection == null ? Set.of() : Set.copyOf(intersection));
        }
        return servedModels;
    }

    private void ejectedUntil(long untilNanos) {
        synchronized (this) {
            if (!anyEjection || untilNanos - ejectionHorizonNanos > 0) {
                ejectionHorizonNanos = untilNanos;
            }
            anyEjection = true;
        }
    }

    /** One request sent to one endpoint; {@link #finish} it exactly once when it is over. */
    public static final class Dispatch {
        private final Endpoint endpoint;
        private final EndpointLoad load;
        private final int sequences;
        private final Router router;
        private boolean finished;

        Dispatch(Endpoint endpoint, EndpointLoad load, int sequences, Router router) {
            this.endpoint = endpoint;
            this.load = load;
            this.sequences = sequences;
            this.router = router;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** The request is over without a verdict on the replica (e.g. the client left). */
        public void finish() {
            if (!finished) {
                finished = true;
                load.finished(sequences);
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
            if (!replicaFailed) {
                load.ejection().success();
                return false;
            }
            boolean ejected = load.ejection().failure(router.nowNanos(), router.settings);
            if (ejected) {
                router.ejectedUntil(load.ejection().ejectedUntilNanos());
            }
            return ejected;
        }
    }
}
