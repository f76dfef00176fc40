package io.qgate.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Decides where each request goes: filters the current snapshot, asks the picker, and records
 * the pick at once so that the next decision already sees it.
 *
 * <p>Thread-safe and lock-free on the request path: the snapshot is one volatile reference that
 * discovery swaps, and the in-flight counts are atomic counters per address.
 */
public final class Router implements LoadView {

    private final EndpointPicker picker;
    private final ConcurrentHashMap<String, AtomicInteger> inflightByAddress = new ConcurrentHashMap<>();
    private volatile EndpointSnapshot snapshot = EndpointSnapshot.empty();

    public Router(EndpointPicker picker) {
        this.picker = requireNonNull(picker, "picker");
    }

    /** Replaces the known endpoints; counters of endpoints that are gone are dropped. */
    public void update(EndpointSnapshot newSnapshot) {
        requireNonNull(newSnapshot, "newSnapshot");
        snapshot = newSnapshot;
        inflightByAddress.keySet().removeIf(address -> newSnapshot.endpoints().stream()
                .noneMatch(endpoint -> endpoint.authority().equals(address)));
    }

    public EndpointSnapshot snapshot() {
        return snapshot;
    }

    public EndpointPicker picker() {
        return picker;
    }

    /**
     * Picks an endpoint for {@code request} among those that accept requests, leaving out
     * {@code excluded} (endpoints an earlier attempt of the same request failed on).
     *
     * @return the dispatch, which the caller must {@link Dispatch#finish() finish}; or
     *         {@code null} when no endpoint is available
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded) {
        List<Endpoint> candidates = snapshot.accepting();
        if (!excluded.isEmpty()) {
            List<Endpoint> remaining = new ArrayList<>(candidates.size());
            for (Endpoint candidate : candidates) {
                if (excluded.stream().noneMatch(candidate::sameAddress)) {
                    remaining.add(candidate);
                }
            }
            candidates = remaining;
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Endpoint chosen = picker.pick(request, candidates, this);
        AtomicInteger inflight = inflightByAddress.computeIfAbsent(chosen.authority(), k -> new AtomicInteger());
        inflight.incrementAndGet();
        return new Dispatch(chosen, inflight);
    }

    @Override
    public int inflight(Endpoint endpoint) {
        AtomicInteger count = inflightByAddress.get(endpoint.authority());
        return count == null ? 0 : count.get();
    }

    /** One request sent to one endpoint; {@link #finish()} it exactly once when it is over. */
    public static final class Dispatch {
        private final Endpoint endpoint;
        private final AtomicInteger inflight;
        private boolean finished;

        Dispatch(Endpoint endpoint, AtomicInteger inflight) {
            this.endpoint = endpoint;
            this.inflight = inflight;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** Records that the request is over; later calls do nothing. Not thread-safe by design:
         *  one dispatch belongs to one request, handled on one event loop. */
        public void finish() {
            if (!finished) {
                finished = true;
                inflight.decrementAndGet();
            }
        }
    }
}
