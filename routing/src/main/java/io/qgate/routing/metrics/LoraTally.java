package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What one parse has seen of {@code vllm:lora_requests_info}: per engine, where in the buffer the
 * latest sample's labels are. Nothing is decoded until the end, and only the winners.
 *
 * <p>The gauge's value is the time it was set, and its labels carry the adapters. The Python
 * client keeps every label set it was ever given, so an engine's exposition holds its current
 * sample beside stale ones with older timestamps: the latest per engine is the state, the others
 * are history. Engines are told apart by the {@code engine} label (vLLM V1's data-parallel
 * engines); a sample without one counts as one engine.
 */
final class LoraTally {

    /** Bounds what hostile input can make one scrape hold; a replica runs a few engines. */
    static final int MAX_ENGINES = 16;
    /** Bounds the adapters one scrape reports, as {@link ScrapeTally#MAX_MODELS} bounds models. */
    static final int MAX_ADAPTERS = 64;
    /** Bounds {@code max_lora}: more digits than any GPU has slots means junk. */
    private static final int MAX_LORA_LIMIT = 1_000_000;

    /** Per engine, {@link #FIELDS} ints: where its labels are, and its max_lora. */
    private static final int ENGINE_START = 0;
    private static final int ENGINE_END = 1;
    private static final int MAX_LORA = 2;
    private static final int RUNNING_START = 3;
    private static final int RUNNING_END = 4;
    private static final int WAITING_START = 5;
    private static final int WAITING_END = 6;
    private static final int ESCAPED = 7;
    private static final int FIELDS = 8;

    /** Sized for two engines, grown up to {@link #MAX_ENGINES}: most replicas run one. */
    private int[] fields = new int[2 * FIELDS];
    private double[] stamps = new double[2];
    private int engines;

    /** Counts one well-formed sample line of the gauge; one without {@code max_lora} is not LoRA state. */
    void add(ByteBuffer b, SampleLine line) {
        int maxLora = parseCount(b, line.maxLoraStart, line.maxLoraEnd);
        if (maxLora < 0) {
            return;
        }
        int engine = engineOf(b, line.engineStart, line.engineEnd);
        if (engine < 0) {
            return;
        }
        // NaN is never the latest; an equal time takes the later line.
        double stamp = Double.isNaN(line.value) ? Double.NEGATIVE_INFINITY : line.value;
        if (engine < engines && stamp < stamps[engine]) {
            return;
        }
        if (engine == engines) {
            if (engine == stamps.length) {
                stamps = Arrays.copyOf(stamps, Math.min(MAX_ENGINES, 2 * engine));
                fields = Arrays.copyOf(fields, stamps.length * FIELDS);
            }
            engines++;
        }
        int at = engine * FIELDS;
        stamps[engine] = stamp;
        fields[at + ENGINE_START] = line.engineStart;
        fields[at + ENGINE_END] = line.engineEnd;
        fields[at + MAX_LORA] = maxLora;
        fields[at + RUNNING_START] = line.runningStart;
        fields[at + RUNNING_END] = line.runningEnd;
        fields[at + WAITING_START] = line.waitingStart;
        fields[at + WAITING_END] = line.waitingEnd;
        fields[at + ESCAPED] = line.loraEscaped ? 1 : 0;
    }

    /**
     * The adapters of the latest sample of each engine, decoded from {@code b} (the buffer the
     * lines were read from). {@code max_lora} is the smallest of the engines' rather than their
     * sum: each engine loads adapters into its own slots, so a sum would count slots a request
     * landing on a full engine cannot use. The engines share one configuration, so the smallest
     * is in practice every engine's.
     */
    LoraAdapters toAdapters(ByteBuffer b, LabelValueCache names) {
        if (engines == 0) {
            return LoraAdapters.NONE;
        }
        List<String> union = new ArrayList<>(8);
        List<String> runningUnion = new ArrayList<>(8);
        List<String> ofEngine = new ArrayList<>(8);
        List<String> runningOfEngine = new ArrayList<>(8);
        int maxLora = Integer.MAX_VALUE;
        int mostActive = 0;
        boolean starving = false;
        for (int engine = 0; engine < engines; engine++) {
            int at = engine * FIELDS;
            boolean escaped = fields[at + ESCAPED] != 0;
            runningOfEngine.clear();
            split(b, fields[at + RUNNING_START], fields[at + RUNNING_END], escaped, names, runningOfEngine);
            ofEngine.clear();
            ofEngine.addAll(runningOfEngine);
            split(b, fields[at + WAITING_START], fields[at + WAITING_END], escaped, names, ofEngine);
            int engineMax = fields[at + MAX_LORA];
            maxLora = Math.min(maxLora, engineMax);
            mostActive = Math.max(mostActive, ofEngine.size());
            // A waiting adapter that does not run, beside a full batch, is held back by this engine.
            starving |= runningOfEngine.size() >= engineMax && ofEngine.size() > runningOfEngine.size();
            addNew(union, ofEngine);
            addNew(runningUnion, runningOfEngine);
        }
        runningUnion.retainAll(union);
        Set<String> adapters = Set.copyOf(union);
        // Mostly nothing waits: then the running adapters are all of them, and one set serves both.
        Set<String> running = runningUnion.size() == union.size() ? adapters : Set.copyOf(runningUnion);
        return new LoraAdapters(adapters, running, maxLora, mostActive, starving);
    }

    /** Adds those of {@code names} that {@code into} lacks, up to {@link #MAX_ADAPTERS}. */
    private static void addNew(List<String> into, List<String> names) {
        for (String name : names) {
            if (into.size() < MAX_ADAPTERS && !into.contains(name)) {
                into.add(name);
            }
        }
    }

    /** The engine's index, a new one for an engine not seen yet, or -1 when there are too many. */
    private int engineOf(ByteBuffer b, int start, int end) {
        for (int engine = 0; engine < engines; engine++) {
            int at = engine * FIELDS;
            if (PromSyntax.equalRanges(b, fields[at + ENGINE_START], fields[at + ENGINE_END], start, end)) {
                return engine;
            }
        }
        return engines < MAX_ENGINES ? engines : -1;
    }

    /** Adds the distinct names of the comma-separated list {@code b[start, end)} to {@code out}. */
    private static void split(ByteBuffer b, int start, int end, boolean escaped, LabelValueCache names,
                              List<String> out) {
        int piece = start;
        for (int i = start; i <= end; i++) {
            if (i == end || b.get(i) == ',') {
                if (i > piece && out.size() < MAX_ADAPTERS) {
                    String name = names.get(b, piece, i, escaped);
                    if (name != null && !out.contains(name)) {
                        out.add(name);
                    }
                }
                piece = i + 1;
            }
        }
    }

    /** The decimal count {@code b[start, end)}, or -1 when it is absent, not digits or too large. */
    private static int parseCount(ByteBuffer b, int start, int end) {
        if (start < 0 || start == end || end - start > 7) {
            return -1;
        }
        int n = 0;
        for (int i = start; i < end; i++) {
            byte c = b.get(i);
            if (!PromSyntax.isDigit(c)) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= MAX_LORA_LIMIT ? n : -1;
    }
}
