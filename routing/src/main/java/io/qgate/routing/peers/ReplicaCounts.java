package io.qgate.routing.peers;

import static java.util.Objects.requireNonNull;

/**
 * One gateway's counts for one replica: requests dispatched to it and requests of those that
 * finished, cumulative since the gateway started counting the replica; and the work of the
 * gateway's requests there that is still to come, now: the prompt tokens not prefilled yet and
 * the output tokens expected yet ({@code work} routing's work ahead).
 *
 * @param address        the replica's {@code host:port} ({@link io.qgate.routing.Endpoint#authority()})
 * @param prefillPending prompt tokens the gateway sent there without a first token yet
 * @param decodePending  output tokens the gateway's open requests there are still expected to produce
 */
public record ReplicaCounts(String address, long dispatched, long finished, long prefillPending,
                            long decodePending) {

    public ReplicaCounts {
        requireNonNull(address, "address");
        if (dispatched < 0 || finished < 0 || finished > dispatched) {
            throw new IllegalArgumentException("counts: " + dispatched + " dispatched, " + finished
                    + " finished (expected: 0 <= finished <= dispatched)");
        }
        if (prefillPending < 0 || decodePending < 0) {
            throw new IllegalArgumentException("work: " + prefillPending + " prefill, " + decodePending
                    + " decode tokens (expected: >= 0)");
        }
    }

    /** Counts without work: what a gateway of the first version of the format tells. */
    public ReplicaCounts(String address, long dispatched, long finished) {
        this(address, dispatched, finished, 0, 0);
    }
}
