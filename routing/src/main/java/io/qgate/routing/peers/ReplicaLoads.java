package io.qgate.routing.peers;

import io.qgate.routing.EndpointLoad;
import io.qgate.routing.Router;

import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The replicas a gateway routes to, by address, across all its routers: peers report by address,
 * and an address is one replica whichever pool it serves.
 */
public interface ReplicaLoads {

    /** The load state of the replica at {@code address}, or null when none of the routers knows it. */
    EndpointLoad find(String address);

    /** Every known replica's address and load state. */
    void forEach(BiConsumer<String, EndpointLoad> action);

    /**
     * The replicas whose dispatched or finished counts may have moved since the last call, each
     * once, in {@link #forEach}'s order: a few where {@link #forEach} gives every one. For one
     * caller, the gateway's peer exchange, which checks what it last told each.
     */
    void forEachNews(BiConsumer<String, EndpointLoad> action);

    /**
     * A number that changes whenever a replica is added or dropped, after the fact: while it
     * holds, {@link #find} answers as it did.
     */
    long roster();

    /** The replicas of the routers {@code routers} returns when asked (pools may come and go). */
    static ReplicaLoads of(Supplier<? extends Collection<Router>> routers) {
        requireNonNull(routers, "routers");
        return new ReplicaLoads() {
            @Override
            public EndpointLoad find(String address) {
                for (Router router : routers.get()) {
                    EndpointLoad load = router.loadAt(address);
                    if (load != null) {
                        return load;
                    }
                }
                return null;
            }

            @Override
            public void forEach(BiConsumer<String, EndpointLoad> action) {
                for (Router router : routers.get()) {
                    router.forEachLoad(action);
                }
            }

            @Override
            public void forEachNews(BiConsumer<String, EndpointLoad> action) {
                for (Router router : routers.get()) {
                    router.forEachCountsNews(action);
                }
            }

            @Override
            public long roster() {
                // Each router's number only grows, so the sum moves with any of them, and with a pool
                // that comes or goes once it has held a replica.
                long sum = 0;
                for (Router router : routers.get()) {
                    sum += router.roster();
                }
                return sum;
            }
        };
    }
}
