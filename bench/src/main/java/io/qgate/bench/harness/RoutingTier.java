package io.qgate.bench.harness;

import java.util.List;

/**
 * The proxies in front of a fleet in one row of the routing comparison: qgate instances, or a
 * peer proxy's (nginx) processes.
 */
public interface RoutingTier extends AutoCloseable {

    /** One client URL per instance; the load is split equally over them. */
    List<String> urls();

    /** How the instances report they route, for the report. */
    String picker();

    @Override
    void close();

    /** Starts a tier of {@code instances} in front of replicas listening on these loopback ports. */
    @FunctionalInterface
    interface Launcher {
        RoutingTier start(int instances, List<Integer> replicaPorts);
    }
}
