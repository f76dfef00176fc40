package io.qgate.routing.peers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The replica addresses a codec read lately, by their bytes. A sender names the same replicas in
 * round after round, so reading an address returns the string read before instead of a new one:
 * nothing is allocated for it, and the exchange recognizes a full round's repeat by identity,
 * without comparing the two strings' bytes ({@link SenderReports}).
 *
 * <p>A table of {@link #SLOTS} slots by a hash of the bytes; two addresses on one slot take turns
 * in it, each read afresh when it finds the other there. Not thread-safe: its codec's.
 */
final class Addresses {

    /** A power of two, several times the replicas of a large fleet: few addresses share a slot. */
    static final int SLOTS = 8192;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];

    /** The address in {@code length} bytes of {@code data} from {@code from}, as the string read last time when it was. */
    String read(byte[] data, int from, int length) {
        int hash = 1;
        for (int i = from; i < from + length; i++) {
            hash = 31 * hash + data[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] known = bytes[slot];
        if (known != null && Arrays.equals(known, 0, known.length, data, from, from + length)) {
            return strings[slot];
        }
        String address = new String(data, from, length, StandardCharsets.UTF_8);
        bytes[slot] = Arrays.copyOfRange(data, from, from + length);
        strings[slot] = address;
        return address;
    }
}
