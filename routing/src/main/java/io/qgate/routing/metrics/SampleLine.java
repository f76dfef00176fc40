package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
    private static final byte[] ENGINE = ascii("engine");
    private static final byte[] MAX_LORA = ascii("max_lora");
    private static final byte[] RUNNING_ADAPTERS = ascii("running_lora_adapters");
    private static final byte[] WAITING_ADAPTERS = ascii("waiting_lora_adapters");

    /** The sample value of the last line read. */
    double value;
    /** The raw (still escaped) {@code model_name} value of the last line read, or -1 when absent. */
    int modelStart;
    int modelEnd;
    boolean modelEscaped;
    /**
     * On a line read with {@code lora} set, the raw values of the LoRA info gauge's labels, each
     * -1 (an empty range) when absent; {@code loraEscaped} when either adapter list has escapes.
     */
    int engineStart;
    int engineEnd;
    int maxLoraStart;
    int maxLoraEnd;
    int runningStart;
    int runningEnd;
    int waitingStart;
    int waitingEnd;
    boolean loraEscaped;
    private boolean lora;

    /**
     * Reads {@code b[i, end)}, where {@code i} is just past the metric name and {@code end} the end
     * of the line without its line terminator.
     *
     * @return whether the line is well formed; when it is not, the fields mean nothing
     */
    boolean read(ByteBuffer b, int i, int end) {
        return read(b, i, end, false);
    }

    /** Like {@link #read(ByteBuffer, int, int)}, locating the LoRA info labels too when {@code lora}. */
    boolean read(ByteBuffer b, int i, int end, boolean lora) {
        modelStart = -1;
        this.lora = lora;
        if (lora) {
            engineStart = engineEnd = maxLoraStart = maxLoraEnd = -1;
            runningStart = runningEnd = waitingStart = waitingEnd = -1;
            loraEscaped = false;
        }
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
            } else if (lora) {
                loraLabel(b, nameStart, nameEnd, valueStart, i, escaped);
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

    private void loraLabel(ByteBuffer b, int nameStart, int nameEnd, int valueStart, int valueEnd, boolean escaped) {
        if (PromSyntax.equalBytes(b, nameStart, nameEnd, ENGINE)) {
            engineStart = valueStart;
            engineEnd = valueEnd;
        } else if (PromSyntax.equalBytes(b, nameStart, nameEnd, MAX_LORA)) {
            maxLoraStart = valueStart;
            maxLoraEnd = valueEnd;
        } else if (PromSyntax.equalBytes(b, nameStart, nameEnd, RUNNING_ADAPTERS)) {
            runningStart = valueStart;
            runningEnd = valueEnd;
            loraEscaped |= escaped;
        } else if (PromSyntax.equalBytes(b, nameStart, nameEnd, WAITING_ADAPTERS)) {
            waitingStart = valueStart;
            waitingEnd = valueEnd;
            loraEscaped |= escaped;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
