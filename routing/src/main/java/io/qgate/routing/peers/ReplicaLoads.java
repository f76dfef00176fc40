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
        };
    }
}
