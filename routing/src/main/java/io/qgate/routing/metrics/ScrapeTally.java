package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one parse has counted so far: per wanted metric (a slot) the sum and number of usable
 * samples, and the model names seen.
 */
final class ScrapeTally {

    static final int WAITING = 0;
    static final int RUNNING = 1;
    static final int FIRST_KV_CACHE = 2;

    /** Bounds what hostile input can make one scrape hold; a real replica serves one model. */
    static final int MAX_MODELS = 64;

    private final double[] sums;
    private final int[] counts;
    /** The slots past the last KV-cache gauge hold counters, not shares. */
    private final int firstCounter;
    private String firstModel;
    private List<String> moreModels;
    private LoraTally lora;

    ScrapeTally(int slots, int firstCounter) {
        sums = new double[slots];
        counts = new int[slots];
        this.firstCounter = firstCounter;
    }

    /**
     * Counts one sample. Request counts that are negative, NaN or infinite are skipped: they are
     * an exporter's bug, and one of them must not make a replica look empty or infinitely loaded.
     * KV-cache use is skipped likewise, and capped at 1 (full) above it.
     */
    void add(int slot, double value) {
        if (!(value >= 0 && value <= Double.MAX_VALUE)) {
            return;
        }
        sums[slot] += slot >= FIRST_KV_CACHE && slot < firstCounter ? Math.min(value, 1) : value;
        counts[slot]++;
    }

    void addModel(String model) {
        if (model == null || model.equals(firstModel)) {
            return;
        }
        if (firstModel == null) {
            firstModel = model;
            return;
        }
        if (moreModels == null) {
            moreModels = new ArrayList<>(4);
        }
        if (moreModels.size() < MAX_MODELS - 1 && !moreModels.contains(model)) {
            moreModels.add(model);
        }
    }

    /** The sum of the slot's samples, or NaN when the scrape held none. */
    double sum(int slot) {
        return counts[slot] > 0 ? Math.min(sums[slot], Double.MAX_VALUE) : Double.NaN;
    }

    /** The LoRA info tally, created at the first LoRA line: a scrape without one costs nothing. */
    LoraTally lora() {
        if (lora == null) {
            lora = new LoraTally();
        }
        return lora;
    }

    /** The adapters the LoRA lines named, decoded from {@code b}, the buffer they were read from. */
    LoraAdapters loraAdapters(ByteBuffer b, LabelValueCache names) {
        return lora == null ? LoraAdapters.NONE : lora.toAdapters(b, names);
    }

    EngineMetrics toMetrics(LoraAdapters lora) {
        double kvCacheUsage = Double.NaN;
        for (int slot = FIRST_KV_CACHE; slot < firstCounter; slot++) {
            if (counts[slot] > 0) {
                // The mean: the engines of one replica have caches of equal size.
                kvCacheUsage = Math.min(1, sums[slot] / counts[slot]);
                break;
            }
        }
        Set<String> models;
        if (firstModel == null) {
            models = Set.of();
        } else if (moreModels == null) {
            models = Set.of(firstModel);
        } else {
            moreModels.add(firstModel);
            models = Set.copyOf(moreModels);
        }
        // A sum of finite samples can still overflow; cap it so the reading stays finite.
        return new EngineMetrics(Math.min(sums[WAITING], Double.MAX_VALUE),
                Math.min(sums[RUNNING], Double.MAX_VALUE), kvCacheUsage, models,
                counts[WAITING] > 0, counts[RUNNING] > 0, lora);
    }
}
