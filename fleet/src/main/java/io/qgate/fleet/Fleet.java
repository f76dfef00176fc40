package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The LiteLLM + vLLM Deployment: its pods and their lifecycle, and the EndpointSlice view that
 * discovery hands the gateways.
 *
 * <p>A new pod loads the model for a start-up time drawn uniformly from the configured range,
 * then turns ready. Scaling down deletes pods the way a ReplicaSet chooses them: pods that are
 * not ready first, then the most recently ready. A deleted pod leaves the endpoints (as
 * terminating), finishes what its engine holds, and is gone once it is empty and the gateways
 * have seen it leave. Gateways learn every change after the discovery delay; the oracle sees the
 * pods as they are.
 */
final class Fleet {

    /**
     * @param startupMinNanos shortest time from creating a pod to its readiness (model load)
     * @param startupMaxNanos longest
     * @param discoveryDelayNanos from a pod's change to the gateways' new snapshot
     */
    public record Settings(long startupMinNanos, long startupMaxNanos, long discoveryDelayNanos) {
        public Settings {
            if (startupMinNanos < 0 || startupMaxNanos < startupMinNanos) {
                throw new IllegalArgumentException("start-up: " + startupMinNanos + ".." + startupMaxNanos
                        + " ns (expected: 0 <= min <= max)");
            }
            if (discoveryDelayNanos < 0) {
                throw new IllegalArgumentException("discoveryDelayNanos: " + discoveryDelayNanos + " (expected: >= 0)");
            }
        }
    }

    private final Simulation sim;
    private final EngineModel model;
    private final VirtualEngine.Listener engineListener;
    private final Settings settings;
    private final SplittableRandom random;
    private final List<Consumer<EndpointSnapshot>> discoveryListeners = new ArrayList<>();
    private final List<Replica> pods = new ArrayList<>();
    private final List<Replica> accepting = new ArrayList<>();
    private final Map<String, Replica> byAuthority = new HashMap<>();
    private int nextId;
    private int specReplicas;
    private boolean publishScheduled;
    private double podSeconds;
    private long lastCountNanos;

    Fleet(Simulation sim, EngineModel model, VirtualEngine.Listener engineListener, Settings settings,
          SplittableRandom random) {
        this.sim = requireNonNull(sim, "sim");
        this.model = requireNonNull(model, "model");
        this.engineListener = requireNonNull(engineListener, "engineListener");
        this.settings = requireNonNull(settings, "settings");
        this.random = requireNonNull(random, "random");
    }

    /** {@code listener} gets every new snapshot, the discovery delay after the change. */
    void onDiscovery(Consumer<EndpointSnapshot> listener) {
        discoveryListeners.add(listener);
    }

    /**
     * Starts the run with {@code count} pods already loaded and ready, and known to the gateways
     * from the start (they were there before the run).
     */
    void startReady(int count) {
        for (int i = 0; i < count; i++) {
            Replica pod = create();
            pod.state = Replica.State.READY;
            pod.readyNanos = sim.now();
            accepting.add(pod);
        }
        specReplicas += count;
        publish(0);
    }

    /** The Deployment's {@code spec.replicas}. */
    int specReplicas() {
        return specReplicas;
    }

    /** Sets {@code spec.replicas}: creates pods, or deletes them as a ReplicaSet would. */
    void scaleTo(int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 0)");
        }
        while (specReplicas < replicas) {
            Replica pod = create();
            long startup = settings.startupMinNanos()
                    + (long) (random.nextDouble() * (settings.startupMaxNanos() - settings.startupMinNanos()));
            sim.after(startup, () -> becomeReady(pod));
            specReplicas++;
        }
        while (specReplicas > replicas) {
            terminate(victim());
            specReplicas--;
        }
        changed();
    }

    /** Pods that exist (not gone), in creation order; includes starting and terminating ones. */
    List<Replica> pods() {
        return pods;
    }

    /** Ready pods as they are now (the oracle's view, without the discovery delay). */
    List<Replica> accepting() {
        return accepting;
    }

    Replica byAuthority(String authority) {
        return byAuthority.get(authority);
    }

    /** Pod-seconds so far: every pod that exists costs, loading or draining too. */
    double podSeconds() {
        return podSeconds + pods.size() * (sim.now() - lastCountNanos) / 1e9;
    }

    /** A request of {@code pod} has left it (its answer is through the hop out); a draining pod may go. */
    void requestDone(Replica pod) {
        maybeGone(pod);
    }

    private Replica create() {
        VirtualEngine engine = new VirtualEngine(sim, model, engineListener);
        Replica pod = new Replica(nextId++, engine, sim.now());
        count();
        pods.add(pod);
        byAuthority.put(pod.authority(), pod);
        return pod;
    }

    private void becomeReady(Replica pod) {
        if (pod.state != Replica.State.STARTING) {
            return; // deleted while it was loading
        }
        pod.state = Replica.State.READY;
        pod.readyNanos = sim.now();
        accepting.add(pod);
        changed();
    }

    /** Not ready before ready; among equals the newest, as the ReplicaSet controller ranks them. */
    private Replica victim() {
        Replica chosen = null;
        for (Replica pod : pods) {
            if (pod.state == Replica.State.TERMINATING) {
                continue;
            }
            if (chosen == null || rank(pod) > rank(chosen)
                    || (rank(pod) == rank(chosen) && newer(pod, chosen))) {
                chosen = pod;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no pod to delete");
        }
        return chosen;
    }

    private static int rank(Replica pod) {
        return pod.state == Replica.State.STARTING ? 1 : 0;
    }

    private static boolean newer(Replica pod, Replica than) {
        long a = pod.state == Replica.State.READY ? pod.readyNanos : pod.createdNanos;
        long b = than.state == Replica.State.READY ? than.readyNanos : than.createdNanos;
        return a > b || (a == b && pod.id > than.id);
    }

    private void terminate(Replica pod) {
        boolean wasReady = pod.state == Replica.State.READY;
        pod.state = Replica.State.TERMINATING;
        pod.terminatingNanos = sim.now();
        if (wasReady) {
            accepting.remove(pod);
        }
        // Wait until the gateways have seen it leave (strictly after, as events at that instant may
        // still route by the old snapshot), so that nothing is ever sent to a gone pod.
        sim.after(settings.discoveryDelayNanos() + 1, () -> maybeGone(pod));
    }

    private void maybeGone(Replica pod) {
        if (pod.state != Replica.State.TERMINATING || !pod.engine.idle() || pod.inHop > 0
                || sim.now() - pod.terminatingNanos <= settings.discoveryDelayNanos()) {
            return;
        }
        count();
        pod.state = Replica.State.GONE;
        pods.remove(pod);
        byAuthority.remove(pod.authority());
        changed();
    }

    private void count() {
        long now = sim.now();
        podSeconds += pods.size() * (now - lastCountNanos) / 1e9;
        lastCountNanos = now;
    }

    private void changed() {
        publish(settings.discoveryDelayNanos());
    }

    /** Several changes at one instant make one snapshot, built once they are all done. */
    private void publish(long delayNanos) {
        if (publishScheduled) {
            return;
        }
        publishScheduled = true;
        sim.at(sim.now(), () -> {
            publishScheduled = false;
            List<Endpoint> endpoints = new ArrayList<>(pods.size());
            for (Replica pod : pods) {
                endpoints.add(pod.endpoint());
            }
            EndpointSnapshot snapshot = EndpointSnapshot.of(endpoints);
            sim.after(delayNanos, () -> discoveryListeners.forEach(l -> l.accept(snapshot)));
        });
    }
}
