package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The gateways with {@code scale-from-zero.enabled}, as the gateway's admission holds requests:
 * a gateway that knows no ready replica keeps each request in its queue (up to the queue's size
 * and the timeout; beyond either, 503) instead of refusing it; once replicas are ready, the held
 * requests go on in arrival order, no more than {@code releasePerReplica} per ready replica in
 * flight while any remain, and requests arriving meanwhile queue behind them (and go on without
 * that cap once the held ones have). Without holding, a
 * request that finds no ready replica gets 503 at once, as before.
 *
 * <p>Each request lands on one gateway at random, as behind a Service, and each gateway holds
 * its own: the wake-up signal is the largest demand of any gateway, as the ScaledObject's
 * {@code max(qgate_pool_demand)} reads it.
 */
final class HoldingTier implements Routing {

    /**
     * @param enabled           hold requests while no replica is ready (else 503 at once)
     * @param timeoutNanos      {@code scale-from-zero.timeout}
     * @param queueSize         {@code admission.queue-size}
     * @param releasePerReplica {@code scale-from-zero.release-per-replica}
     */
    record Settings(boolean enabled, long timeoutNanos, int queueSize, int releasePerReplica) {
        Settings {
            if (timeoutNanos <= 0 || queueSize < 1 || releasePerReplica < 1) {
                throw new IllegalArgumentException("hold: timeout " + timeoutNanos + " ns, queue " + queueSize
                        + ", release " + releasePerReplica + " (expected: all > 0)");
            }
        }

        /** The gateway's defaults: 5 minutes, 1,000 requests, 16 per replica. */
        static Settings gatewayDefaults(boolean enabled) {
            return new Settings(enabled, 300_000_000_000L, 1000, 16);
        }
    }

    private static final class Hold {
        final Gateway gateway;
        final ArrayDeque<Request> queue = new ArrayDeque<>();
        /** Queued requests that arrived while the gateway knew no ready replica. */
        int arrivedAtZero;

        Hold(Gateway gateway) {
            this.gateway = gateway;
        }
    }

    private final Simulation sim;
    private final FleetSim fleetSim;
    private final Settings settings;
    private final SplittableRandom random;
    private final List<Hold> holds;
    private final Map<Gateway, Hold> byGateway = new IdentityHashMap<>();
    /** From arrival to being sent on, of every request that arrived at zero, in microseconds. */
    private final Histogram waits = new Histogram(3);
    private long timedOut;
    private long refusedFull;
    private long refusedAtZero;

    HoldingTier(Simulation sim, FleetSim fleetSim, Settings settings, SplittableRandom random) {
        this.sim = requireNonNull(sim, "sim");
        this.fleetSim = requireNonNull(fleetSim, "fleetSim");
        this.settings = requireNonNull(settings, "settings");
        this.random = requireNonNull(random, "random");
        this.holds = fleetSim.gateways().gateways().stream().map(Hold::new).toList();
        holds.forEach(hold -> byGateway.put(hold.gateway, hold));
        waits.setAutoResize(true);
        // Registered after the gateways: they have the new snapshot when their holds are released.
        fleetSim.fleet().onDiscovery(snapshot -> holds.forEach(this::release));
    }

    @Override
    public Replica route(Request request) {
        Hold hold = holds.size() == 1 ? holds.get(0) : holds.get(random.nextInt(holds.size()));
        // Counted on arrival as the gateway counts it, held or refused: the HPA's rate sees the demand.
        hold.gateway.receive();
        if (hold.queue.isEmpty() && hold.gateway.readyReplicas() > 0) {
            return hold.gateway.dispatchReceived(request);
        }
        if (!settings.enabled()) {
            refusedAtZero++;
            return null;
        }
        if (hold.queue.size() >= settings.queueSize()) {
            refusedFull++;
            return null;
        }
        request.heldAtGateway = true;
        if (hold.gateway.readyReplicas() == 0) {
            request.arrivedAtZero = true;
            hold.arrivedAtZero++;
        }
        hold.queue.addLast(request);
        sim.after(settings.timeoutNanos(), () -> expire(hold, request));
        release(hold);
        return null;
    }

    @Override
    public void finished(Request request) {
        fleetSim.gateways().finished(request);
        Hold hold = byGateway.get(request.gateway);
        if (hold != null) {
            release(hold);
        }
    }

    @Override
    public long received() {
        return fleetSim.gateways().received();
    }

    /** {@code max(qgate_pool_demand)}: the most requests any one gateway has open, sent on or held. */
    long maxDemand() {
        long max = 0;
        for (Hold hold : holds) {
            max = Math.max(max, hold.gateway.inflight() + hold.queue.size());
        }
        return max;
    }

    /** How long the requests that arrived at zero waited for a replica, in microseconds. */
    Histogram waits() {
        return waits;
    }

    long timedOut() {
        return timedOut;
    }

    long refusedFull() {
        return refusedFull;
    }

    /** Requests that found no ready replica and were refused at once (holding off). */
    long refusedAtZero() {
        return refusedAtZero;
    }

    private void release(Hold hold) {
        ArrayDeque<Request> queue = hold.queue;
        Gateway gateway = hold.gateway;
        while (!queue.isEmpty()) {
            long ready = gateway.readyReplicas();
            if (ready == 0 || (hold.arrivedAtZero > 0 && gateway.inflight() >= settings.releasePerReplica() * ready)) {
                return;
            }
            Request next = queue.pollFirst();
            Replica replica = gateway.dispatchReceived(next);
            if (replica == null) {
                queue.addFirst(next);
                return;
            }
            if (next.arrivedAtZero) {
                hold.arrivedAtZero--;
                waits.recordValue(Math.max(1, (sim.now() - next.arrivalNanos) / 1000));
            }
            fleetSim.send(next, replica);
        }
    }

    private void expire(Hold hold, Request request) {
        if (request.replica == null && hold.queue.remove(request)) {
            if (request.arrivedAtZero) {
                hold.arrivedAtZero--;
            }
            timedOut++;
            fleetSim.refuse(request);
        }
    }
}
