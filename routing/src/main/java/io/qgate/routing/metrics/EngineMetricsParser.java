package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * Reads an engine's load ({@link EngineMetrics}) from its Prometheus text exposition.
 *
 * <p>Built for a scrape every 100 ms per replica: it scans the bytes once, compares each line's
 * metric name byte by byte with the few wanted ones, and skips every other line without creating
 * anything. Names are matched exactly, so {@code vllm:num_requests_waiting_by_reason} or a
 * {@code _created} series never counts as {@code vllm:num_requests_waiting}. Series of a wanted
 * name are summed whatever their labels, which sums over the {@code engine} label of
 * data-parallel engines. The LoRA info gauge is the exception: its latest sample per engine
 * counts ({@link LoraTally}), and nothing of it is decoded until the end of the scrape.
 *
 * <p>The exposition is untrusted input. {@code parse} never throws on its content and runs in time
 * linear in its length: a malformed line (bad label set, unterminated quote, junk value or
 * timestamp) is skipped and the other lines still count. Samples that cannot be a load (negative,
 * NaN, infinite, including values such as {@code 1e400} that overflow to infinity) are skipped.
 *
 * <p>Thread-safe; one instance per engine profile can serve every replica.
 */
public final class EngineMetricsParser {

    private final EngineProfile profile;
    /** The wanted metric names as bytes, indexed by {@link ScrapeTally} slot. */
    private final byte[][] names;
    /** The slot of the LoRA info gauge, last, or -1 when the profile has none. */
    private final int loraSlot;
    private final LabelValueCache modelNames = new LabelValueCache();
    private final LabelValueCache adapterNames = new LabelValueCache();

    public EngineMetricsParser(EngineProfile profile) {
        this.profile = requireNonNull(profile, "profile");
        int kvCaches = profile.kvCacheUsageMetrics().size();
        boolean lora = !profile.loraInfoMetric().isEmpty();
        names = new byte[ScrapeTally.FIRST_KV_CACHE + kvCaches + (lora ? 1 : 0)][];
        names[ScrapeTally.WAITING] = ascii(profile.waitingMetric());
        names[ScrapeTally.RUNNING] = ascii(profile.runningMetric());
        for (int k = 0; k < kvCaches; k++) {
            names[ScrapeTally.FIRST_KV_CACHE + k] = ascii(profile.kvCacheUsageMetrics().get(k));
        }
        loraSlot = lora ? names.length - 1 : -1;
        if (lora) {
            names[loraSlot] = ascii(profile.loraInfoMetric());
        }
    }

    public EngineProfile profile() {
        return profile;
    }

    /**
     * Reads the exposition between the buffer's position and its limit, leaving both unchanged.
     * The buffer must not be changed by another thread meanwhile.
     */
    public EngineMetrics parse(ByteBuffer text) {
        requireNonNull(text, "text");
        int end = text.limit();
        ScrapeTally tally = new ScrapeTally(names.length);
        SampleLine line = new SampleLine();
        for (int i = text.position(); i < end; ) {
            int newline = PromSyntax.indexOfNewline(text, i, end);
            readLine(text, i, newline, tally, line);
            // Not newline + 1 past the end: that overflows for a buffer ending at Integer.MAX_VALUE.
            i = newline < end ? newline + 1 : end;
        }
        return tally.toMetrics(tally.loraAdapters(text, adapterNames));
    }

    /** Reads a whole exposition held in an array (all of it). */
    public EngineMetrics parse(byte[] text) {
        return parse(ByteBuffer.wrap(requireNonNull(text, "text")));
    }

    /** Reads an exposition held in a string, as UTF-8; for tests and tools. */
    public EngineMetrics parse(String text) {
        return parse(requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    private void readLine(ByteBuffer b, int start, int end, ScrapeTally tally, SampleLine line) {
        // Leading blanks are tolerated. Comments (# HELP, # TYPE, any other) and blank lines match
        // no wanted name, so they are skipped like the samples of other metrics.
        start = PromSyntax.skipBlanks(b, start, end);
        int slot = slotOf(b, start, end);
        if (slot < 0) {
            return;
        }
        int nameEnd = start + names[slot].length;
        if (end > nameEnd && b.get(end - 1) == '\r') {
            end--;
        }
        if (slot == loraSlot) {
            if (line.read(b, nameEnd, end, true)) {
                tally.lora().add(b, line);
            }
            return;
        }
        if (!line.read(b, nameEnd, end)) {
            return;
        }
        tally.add(slot, line.value);
        if (line.modelStart >= 0) {
            tally.addModel(modelNames.get(b, line.modelStart, line.modelEnd, line.modelEscaped));
        }
    }

    /**
     * The slot of the wanted metric whose name the line starts with, or -1. Compares the wanted
     * names in place rather than first finding where the line's name ends: most lines differ from
     * every wanted name within a byte or two of the comparison.
     */
    private int slotOf(ByteBuffer b, int start, int end) {
        for (int slot = 0; slot < names.length; slot++) {
            int nameEnd = start + names[slot].length;
            // The name must end where the wanted one does: a longer name is another metric.
            if (nameEnd <= end && PromSyntax.equalBytes(b, start, nameEnd, names[slot])
                    && (nameEnd == end || !PromSyntax.isNameChar(b.get(nameEnd)))) {
                return slot;
            }
        }
        return -1;
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
