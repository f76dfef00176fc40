package io.qgate.routing.peers;

import java.nio.ByteBuffer;

/** Unsigned LEB128 for non-negative longs: seven bits a byte, low bits first, at most nine bytes. */
final class Varint {

    private static final int MAX_BYTES = 9;

    private Varint() {
    }

    static int size(long value) {
        int size = 1;
        while ((value >>>= 7) != 0) {
            size++;
        }
        return size;
    }

    static void put(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /** The next value, or -1 when the bytes end too early or run past nine bytes (63 bits). */
    static long get(ByteBuffer in) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!in.hasRemaining()) {
                return -1;
            }
            byte b = in.get();
            value |= (long) (b & 0x7F) << (7 * i);
            if (b >= 0) {
                return value;
            }
        }
        return -1;
    }
}
