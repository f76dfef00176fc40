package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Character classes and scans of the Prometheus text format, on bytes at absolute indices. */
final class PromSyntax {

    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;

    private PromSyntax() {
    }

    static boolean isNameStart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    static boolean isNameChar(byte c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    /** Label names are metric names without the colon. */
    static boolean isLabelNameStart(byte c) {
        return c != ':' && isNameStart(c);
    }

    static boolean isLabelNameChar(byte c) {
        return c != ':' && isNameChar(c);
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Tokens are separated by blanks and tabs. */
    static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    static int skipBlanks(ByteBuffer b, int i, int end) {
        while (i < end && isBlank(b.get(i))) {
            i++;
        }
        return i;
    }

    /** The index of the first {@code '\n'} at or after {@code i}, or {@code end} when there is none. */
    static int indexOfNewline(ByteBuffer b, int i, int end) {
        // Eight bytes at a time: most of an exposition is lines the parser only skips over.
        boolean bigEndian = b.order() == ByteOrder.BIG_ENDIAN;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long x = b.getLong(i) ^ NEWLINES;
            // High bit set exactly in the bytes of x that are zero, with no carry between bytes.
            long zeros = ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
            if (zeros != 0) {
                int bit = bigEndian ? Long.numberOfLeadingZeros(zeros) : Long.numberOfTrailingZeros(zeros);
                return i + (bit >>> 3);
            }
        }
        while (i < end && b.get(i) != '\n') {
            i++;
        }
        return i;
    }

    /** Whether {@code b[start, end)} holds exactly the bytes of {@code expected}. */
    static boolean equalBytes(ByteBuffer b, int start, int end, byte[] expected) {
        if (end - start != expected.length) {
            return false;
        }
        // Names of one engine share long prefixes; comparing from the end rejects sooner.
        for (int k = expected.length - 1; k >= 0; k--) {
            if (b.get(start + k) != expected[k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b[start, end)} and {@code b[otherStart, otherEnd)} hold the same bytes. */
    static boolean equalRanges(ByteBuffer b, int start, int end, int otherStart, int otherEnd) {
        if (end - start != otherEnd - otherStart) {
            return false;
        }
        for (int k = end - start - 1; k >= 0; k--) {
            if (b.get(start + k) != b.get(otherStart + k)) {
                return false;
            }
        }
        return true;
    }
}
