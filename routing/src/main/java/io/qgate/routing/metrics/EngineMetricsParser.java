package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads an engine's load ({@link EngineMetrics}) from its Prometheus text exposition.
 *
 * <p>Built for a scrape every 100 ms per replica: it scans the bytes once, compares each line's
 * metric name byte by byte with the few wanted ones, and skips every other line without creating
 * anything. Names are matched exactly, so {@code vllm:num_requests_waiting_by_reason} or a
 * {@code _created} series never counts as {@code vllm:num_requests_waiting}. Series of a wanted
 * name are summed whatever their labels, which sums over the {@code engine} label of
 * data-parallel engines; so are the counters of the engine's work and time
 * ({@link EngineCounters}), a histogram read by its {@code _sum} and {@code _count}. The LoRA info
 * gauge is the exception: its latest sample per engine counts ({@link LoraTally}), and nothing of
 * it is decoded until the end of the scrape.
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
    /** The first slot past the KV-cache gauges: the counters follow. */
    private final int firstCounter;
    private final int promptSlot;
    private final int cachedSlot;
    private final int[] prefillSlots;
    private final int[] interTokenSlots;
    private final LabelValueCache modelNames = new LabelValueCache();
    private final LabelValueCache adapterNames = new LabelValueCache();

    public EngineMetricsParser(EngineProfile profile) {
        this.profile = requireNonNull(profile, "profile");
        boolean lora = !profile.loraInfoMetric().isEmpty();
        List<String> wanted = new ArrayList<>();
        wanted.add(profile.waitingMetric());
        wanted.add(profile.runningMetric());
        wanted.addAll(profile.kvCacheUsageMetrics());
        firstCounter = wanted.size();
        EngineCounters.Names counters = profile.counterNames();
        promptSlot = addIfNamed(wanted, counters.promptTokens());
        cachedSlot = addIfNamed(wanted, counters.cachedPromptTokens());
        prefillSlots = addHistograms(wanted, counters.prefillHistograms());
        interTokenSlots = addHistograms(wanted, counters.interTokenHistograms());
        if (lora) {
            wanted.add(profile.loraInfoMetric());
        }
        names = new byte[wanted.size()][];
        for (int slot = 0; slot < names.length; slot++) {
            names[slot] = ascii(wanted.get(slot));
        }
        loraSlot = lora ? names.length - 1 : -1;
    }

    /** The slot of {@code name}, appended, or -1 for no name. */
    private static int addIfNamed(List<String> wanted, String name) {
        if (name.isEmpty()) {
            return -1;
        }
        wanted.add(name);
        return wanted.size() - 1;
    }

    /** The slot of each histogram's {@code _sum}; its {@code _count} is in the next. */
    private static int[] addHistograms(List<String> wanted, List<String> histograms) {
        int[] slots = new int[histograms.size()];
        for (int h = 0; h < slots.length; h++) {
            slots[h] = wanted.size();
            wanted.add(histograms.get(h) + "_sum");
            wanted.add(histograms.get(h) + "_count");
        }
        return slots;
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
        ScrapeTally tally = new ScrapeTally(names.length, firstCounter);
        SampleLine line = new SampleLine();
        for (int i = text.position(); i < end; ) {
            int newline = PromSyntax.indexOfNewline(text, i, end);
            readLine(text, i, newline, tally, line);
            // Not newline + 1 past the end: that overflows for a buffer ending at Integer.MAX_VALUE.
            i = newline < end ? newline + 1 : end;
        }
        EngineMetrics metrics = tally.toMetrics(tally.loraAdapters(text, adapterNames));
        return firstCounter == loraOrEnd() ? metrics : metrics.withCounters(counters(tally));
    }

    private int loraOrEnd() {
        return loraSlot < 0 ? names.length : loraSlot;
    }

    private EngineCounters counters(ScrapeTally tally) {
        int prefill = firstPresent(tally, prefillSlots);
        int interToken = firstPresent(tally, interTokenSlots);
        return new EngineCounters(sumOrNaN(tally, promptSlot), sumOrNaN(tally, cachedSlot),
                sumOrNaN(tally, prefill), sumOrNaN(tally, prefill < 0 ? -1 : prefill + 1),
                sumOrNaN(tally, interToken), sumOrNaN(tally, interToken < 0 ? -1 : interToken + 1));
    }

    /** The {@code _sum} slot of the first histogram whose {@code _sum} and {@code _count} the scrape held, or -1. */
    private static int firstPresent(ScrapeTally tally, int[] sumSlots) {
        for (int slot : sumSlots) {
            if (!Double.isNaN(tally.sum(slot)) && !Double.isNaN(tally.sum(slot + 1))) {
                return slot;
            }
        }
        return -1;
    }

    private static double sumOrNaN(ScrapeTally tally, int slot) {
        return slot < 0 ? Double.NaN : tally.sum(slot);
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
