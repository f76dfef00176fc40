package io.qgate.routing.peers;

import java.util.Locale;

/** What became of one received datagram: the {@code result} label of {@code qgate_peer_messages_total}. */
public enum PeerVerdict {
    /** Authentic, new and well-formed: its counts were applied. */
    ACCEPTED,
    /** The authentication code did not match: not from a holder of the shared key, or altered. */
    FORGED,
    /** Authentic but not new (a sequence already seen), or its time too far from this gateway's clock. */
    REPLAYED,
    /** Not a peer message, or its contents break the format. */
    MALFORMED,
    /** Larger than a peer message may be; not even read. */
    OVERSIZED,
    /** This gateway's own message, heard because it is on its own peer list: ignored, not counted. */
    OWN;

    /** The metric's label value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
