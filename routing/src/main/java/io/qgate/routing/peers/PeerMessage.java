package io.qgate.routing.peers;

import java.util.List;

/**
 * One datagram's worth of a gateway's counts.
 *
 * @param sender   the sending gateway's id, drawn at random when it starts
 * @param sequence the sender's clock in microseconds when it sent this, strictly increasing per sender
 * @param part     which slice of the sender's replicas this is, when they did not fit one datagram
 * @param counts   per replica, the sender's cumulative counts
 */
public record PeerMessage(long sender, long sequence, int part, List<ReplicaCounts> counts) {

    public PeerMessage {
        counts = List.copyOf(counts);
    }
}
