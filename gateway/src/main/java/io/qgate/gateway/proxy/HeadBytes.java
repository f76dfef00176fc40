package io.qgate.gateway.proxy;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level helpers for reading an HTTP head where it lies, as {@link ResponseHead} does:
 * ranges of a byte array, ASCII only, no strings built unless asked for.
 */
final class HeadBytes {

    private HeadBytes() {
    }

    static boolean regionMatchesIgnoreCase(byte[] b, int start, int end, String lowerCase) {
        return end - start >= lowerCase.length() && startsWithIgnoreCase(b, start, lowerCase);
    }

    /** Whether {@code b} holds {@code lowerCase} at {@code start}, in any case; the caller checks the length. */
    static boolean startsWithIgnoreCase(byte[] b, int start, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            if (lower(b[start + i]) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    static boolean startsWith(byte[] b, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The index of {@code c} in {@code b[start, end)}, or {@code end}. */
    static int indexOf(byte[] b, int start, int end, byte c) {
        for (int i = start; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return end;
    }

    static int trimCr(byte[] b, int start, int end) {
        return end > start && b[end - 1] == '\r' ? end - 1 : end;
    }

    static int skipSpace(byte[] b, int start, int end) {
        while (start < end && (b[start] == ' ' || b[start] == '\t')) {
            start++;
        }
        return start;
    }

    static int trimSpace(byte[] b, int start, int end) {
        while (end > start && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        return end;
    }

    static String ascii(byte[] b, int start, int end) {
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
