package io.qgate.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array for building request bodies without the synchronisation of ByteArrayOutputStream. */
final class ByteArrayBuilder {
    private byte[] bytes;
    private int length;

    ByteArrayBuilder(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    ByteArrayBuilder append(byte[] source) {
        return append(source, 0, source.length);
    }

    ByteArrayBuilder append(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
        return this;
    }

    ByteArrayBuilder append(String ascii) {
        return append(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    ByteArrayBuilder append(long value) {
        return append(Long.toString(value));
    }

    /** Appends the readable bytes of {@code buf} without moving its reader index. */
    ByteArrayBuilder append(io.netty.buffer.ByteBuf buf) {
        int count = buf.readableBytes();
        ensure(count);
        buf.getBytes(buf.readerIndex(), bytes, length, count);
        length += count;
        return this;
    }

    void reset() {
        length = 0;
    }

    /** The backing array, valid up to {@link #length()} and only until the next append. */
    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
