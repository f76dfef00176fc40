package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Parses a sample value of the Prometheus text format from bytes, without allocating for the
 * values engines actually write.
 *
 * <p>Accepted: decimal floats with optional sign, fraction and exponent ({@code 12}, {@code 0.7},
 * {@code .5}, {@code 1.234567e+06}), {@code Inf}/{@code Infinity} with optional sign and
 * {@code NaN}, in any case (what Go's {@code ParseFloat}, the reference, accepts, less hexadecimal
 * floats and underscores, which no exporter writes). Magnitudes beyond the double range become
 * ±Infinity and tiny ones zero, as {@link Double#parseDouble} does; callers decide what an
 * infinite sample means.
 */
final class PromFloat {

    /** No exporter writes longer values; a longer token is rejected rather than copied. */
    static final int MAX_TOKEN = 128;

    /** Eighteen decimal digits always fit a long; a nineteenth may not. */
    private static final int MAX_DIGITS = 18;
    private static final long EXACT_MANTISSA = 1L << 53;
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };

    private PromFloat() {
    }

    /**
     * The value of {@code b[start, end)}, or {@code NaN} when it is not a number; tell the two
     * apart with {@link #isNaNLiteral}.
     */
    static double parse(ByteBuffer b, int start, int end) {
        if (end <= start || end - start > MAX_TOKEN) {
            return Double.NaN;
        }
        int i = start;
        boolean negative = false;
        byte c = b.get(i);
        if (c == '+' || c == '-') {
            negative = c == '-';
            if (++i == end) {
                return Double.NaN;
            }
            c = b.get(i);
        }
        if (c == 'i' || c == 'I') {
            boolean inf = matchesIgnoreCase(b, i, end, "inf") || matchesIgnoreCase(b, i, end, "infinity");
            return !inf ? Double.NaN : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }

        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean anyDigit = false;
        boolean inexact = false;
        for (; i < end && PromSyntax.isDigit(c = b.get(i)); i++) {
            anyDigit = true;
            if (digits < MAX_DIGITS) {
                if (mantissa != 0 || c != '0') {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                }
            } else {
                exponent++;
                inexact |= c != '0';
            }
        }
        if (i < end && c == '.') {
            for (i++; i < end && PromSyntax.isDigit(c = b.get(i)); i++) {
                anyDigit = true;
                if (digits < MAX_DIGITS) {
                    if (mantissa != 0 || c != '0') {
                        mantissa = mantissa * 10 + (c - '0');
                        digits++;
                    }
                    exponent--;
                } else {
                    inexact |= c != '0';
                }
            }
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (i < end && (c == 'e' || c == 'E')) {
            int written = 0;
            boolean negativeExponent = false;
            if (++i < end && ((c = b.get(i)) == '+' || c == '-')) {
                negativeExponent = c == '-';
                i++;
            }
            int first = i;
            for (; i < end && PromSyntax.isDigit(c = b.get(i)); i++) {
                // Saturates: anything this large is already far outside the double range.
                written = Math.min(written * 10 + (c - '0'), 100_000);
            }
            if (i == first) {
                return Double.NaN;
            }
            exponent += negativeExponent ? -written : written;
        }
        if (i != end) {
            return Double.NaN;
        }

        double magnitude;
        if (mantissa == 0) {
            magnitude = 0;
        } else if (!inexact && mantissa < EXACT_MANTISSA && exponent >= -22 && exponent <= 22) {
            // Both operands are exact doubles, so one rounding gives the correctly rounded value.
            magnitude = exponent >= 0
                    ? mantissa * POWERS_OF_TEN[exponent]
                    : mantissa / POWERS_OF_TEN[-exponent];
        } else if (exponent + digits > 310) {
            magnitude = Double.POSITIVE_INFINITY;
        } else if (exponent + digits < -330) {
            magnitude = 0;
        } else {
            return slowParse(b, start, end);
        }
        return negative ? -magnitude : magnitude;
    }

    /** Whether {@code b[start, end)} is the literal {@code NaN}, in any case. */
    static boolean isNaNLiteral(ByteBuffer b, int start, int end) {
        return matchesIgnoreCase(b, start, end, "nan");
    }

    /** The rare value the fast path cannot round exactly; the token is known to be well formed. */
    private static double slowParse(ByteBuffer b, int start, int end) {
        byte[] token = new byte[end - start];
        b.get(start, token);
        return Double.parseDouble(new String(token, StandardCharsets.ISO_8859_1));
    }

    private static boolean matchesIgnoreCase(ByteBuffer b, int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int k = 0; k < lowerCase.length(); k++) {
            if ((b.get(start + k) | 0x20) != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
