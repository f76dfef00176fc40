package io.qgate.bench.harness;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The simulated replicas every gateway shares. A configuration gets a fresh fleet so that it
 * starts from empty queues and a cold prefix cache, as the one before it did.
 */
public final class Fleet implements AutoCloseable {

    private final List<SimServer> replicas;

    private Fleet(List<SimServer> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    /** One replica per element, all started or none. */
    public static Fleet start(List<SimOptions> replicas) {
        List<SimServer> started = new ArrayList<>();
        try {
            for (SimOptions replica : replicas) {
                started.add(SimServer.start(replica));
            }
            return new Fleet(started);
        } catch (RuntimeException e) {
            started.forEach(SimServer::close);
            throw e;
        }
    }

    public List<SimServer> replicas() {
        return replicas;
    }

    /** The replicas' loopback ports, in order. */
    public List<Integer> ports() {
        return replicas.stream().map(SimServer::port).toList();
    }

    /** The gateways' {@code endpoints} value. */
    public String endpoints() {
        StringJoiner joiner = new StringJoiner(",");
        replicas.forEach(replica -> joiner.add(url(replica)));
        return joiner.toString();
    }

    public static String url(SimServer replica) {
        return "http://127.0.0.1:" + replica.port();
    }

    /** Running and waiting sequences per replica, such as {@code 8+3 8+0 7+0 8+5}: imbalance at a glance. */
    public String occupancy() {
        StringJoiner joiner = new StringJoiner(" ");
        replicas.forEach(replica -> joiner.add(replica.running() + "+" + replica.waiting()));
        return joiner.toString();
    }

    /** Requests the engines finished normally (not aborted), summed over the fleet. */
    public long finished() {
        return replicas.stream().mapToLong(replica -> EngineCounters.finished(replica.metricsText())).sum();
    }

    /** Chat, completion and embeddings requests the replicas received so far: upstream calls. */
    public long apiRequests() {
        return replicas.stream().mapToLong(SimServer::apiRequests).sum();
    }

    @Override
    public void close() {
        replicas.forEach(SimServer::close);
    }
}
