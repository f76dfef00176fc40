package io.qgate.routing.metrics;

import java.nio.ByteBuffer;

import static io.qgate.routing.metrics.PromSyntax.isBlank;
import static io.qgate.routing.metrics.PromSyntax.skipBlanks;

/**
 * Reads the part of a sample line after the metric name: the label set, the value, an optional
 * timestamp. Mutable and reused line after line within one parse, so that a line costs no
 * allocation; only the {@code model_name} label is located, by its indices in the buffer.
 *
 * <p>The grammar is the text exposition format's: {@code {name="value",...}} with blanks allowed
 * between tokens and a trailing comma, values escaping {@code \\}, {@code \"} and {@code \n}.
 * After the value and timestamp, a {@code #} starts an OpenMetrics exemplar, which is ignored.
 */
final class SampleLine {

    private static final byte[] MODEL_NAME = {'m', 'o', 'd', 'e', 'l', '_', 'n', 'a', 'm', 'e'};

    /** The sample value of the last line read. */
    double value;
    /** The raw (still escaped) {@code model_name} value of the last line read, or -1 when absent. */
    int modelStart;
    int modelEnd;
    boolean modelEscaped;

    /**
     * Reads {@code b[i, end)}, where {@code i} is just past the metric name and {@code end} the end
     * of the line without its line terminator.
     *
     * @return whether the line is well formed; when it is not, the fields mean nothing
     */
    boolean read(ByteBuffer b, int i, int end) {
        modelStart = -1;
        if (i < end && b.get(i) == '{') {
            i = labels(b, i + 1, end);
            if (i < 0) {
                return false;
            }
        } else if (i >= end || !isBlank(b.get(i))) {
            return false;
        }
        i = skipBlanks(b, i, end);
        int valueStart = i;
        i = skipToken(b, i, end);
        double parsed = PromFloat.parse(b, valueStart, i);
        if (Double.isNaN(parsed) && !PromFloat.isNaNLiteral(b, valueStart, i)) {
            return false;
        }
        i = skipBlanks(b, i, end);
        if (i < end && b.get(i) != '#') {
            // A timestamp: integer milliseconds in the Prometheus format, float seconds in OpenMetrics.
            int timestampStart = i;
            i = skipToken(b, i, end);
            if (Double.isNaN(PromFloat.parse(b, timestampStart, i))) {
                return false;
            }
            i = skipBlanks(b, i, end);
        }
        if (i < end && b.get(i) != '#') {
            return false;
        }
        value = parsed;
        return true;
    }

    /** Reads the label set from just past its {@code '{'}; returns the index past its '}', or -1. */
    private int labels(ByteBuffer b, int i, int end) {
        while (true) {
            i = skipBlanks(b, i, end);
            if (i >= end) {
                return -1;
            }
            byte c = b.get(i);
            if (c == '}') {
                return i + 1;
            }
            if (!PromSyntax.isLabelNameStart(c)) {
                return -1;
            }
            int nameStart = i;
            for (i++; i < end && PromSyntax.isLabelNameChar(b.get(i)); i++) {
                // the name runs on
            }
            int nameEnd = i;
            i = skipBlanks(b, i, end);
            if (i >= end || b.get(i) != '=') {
                return -1;
            }
            i = skipBlanks(b, i + 1, end);
            if (i >= end || b.get(i) != '"') {
                return -1;
            }
            int valueStart = ++i;
            boolean escaped = false;
            while (i < end && (c = b.get(i)) != '"') {
                if (c == '\\') {
                    if (end - i < 2) {
                        return -1;
                    }
                    escaped = true;
                    i++;
                }
                i++;
            }
            if (i >= end) {
                return -1;
            }
            if (PromSyntax.equalBytes(b, nameStart, nameEnd, MODEL_NAME)) {
                modelStart = valueStart;
                modelEnd = i;
                modelEscaped = escaped;
            }
            i = skipBlanks(b, i + 1, end);
            if (i >= end) {
                return -1;
            }
            c = b.get(i);
            if (c == '}') {
                return i + 1;
            }
            if (c != ',') {
                return -1;
            }
            i++;
        }
    }

    private static int skipToken(ByteBuffer b, int i, int end) {
        while (i < end && !isBlank(b.get(i))) {
            i++;
        }
        return i;
    }
}
