package io.qgate.routing.peers;

import static java.util.Objects.requireNonNull;

/**
 * One gateway's cumulative counts for one replica: requests dispatched to it and requests of those
 * that finished, since the gateway started counting the replica.
 *
 * @param address the replica's {@code host:port} ({@link io.qgate.routing.Endpoint#authority()})
 */
public record ReplicaCounts(String address, long dispatched, long finished) {

    public ReplicaCounts {
        requireNonNull(address, "address");
        if (dispatched < 0 || finished < 0 || finished > dispatched) {
            throw new IllegalArgumentException("counts: " + dispatched + " dispatched, " + finished
                    + " finished (expected: 0 <= finished <= dispatched)");
        }
    }
}
