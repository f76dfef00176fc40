package io.qgate.routing.metrics;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The load one engine reported in one scrape.
 *
 * @param waiting       requests queued, summed over all series of the waiting gauge (one per
 *                      data-parallel engine); 0 when none was found
 * @param running       requests in the running batches, summed likewise
 * @param kvCacheUsage  the share of KV cache in use, 0..1: the mean over the engines, because
 *                      data-parallel engines of one replica have KV caches of equal size, so the
 *                      mean is the share of the replica's whole cache in use. {@code NaN} when
 *                      the scrape held no usable KV-cache series
 * @param models        the {@code model_name} label values seen on the series read: the models
 *                      the replica serves; empty when the engine does not label its series
 * @param waitingFound  whether at least one usable waiting sample was found (a scrape without
 *                      one says nothing about the queue, rather than that it is empty)
 * @param runningFound  the same for the running gauge
 * @param lora          the LoRA adapters in use; {@link LoraAdapters#NONE} when not reported
 * @param counters      the engine's cumulative work and time; {@link EngineCounters#NONE} when not read
 */
public record EngineMetrics(double waiting, double running, double kvCacheUsage, Set<String> models,
                            boolean waitingFound, boolean runningFound, LoraAdapters lora,
                            EngineCounters counters) {

    /** The reading of a scrape that held none of the wanted series. */
    public static final EngineMetrics EMPTY = new EngineMetrics(0, 0, Double.NaN, Set.of(), false, false);

    /** A reading without LoRA. */
    public EngineMetrics(double waiting, double running, double kvCacheUsage, Set<String> models,
                         boolean waitingFound, boolean runningFound) {
        this(waiting, running, kvCacheUsage, models, waitingFound, runningFound, LoraAdapters.NONE);
    }

    /** A reading without counters. */
    public EngineMetrics(double waiting, double running, double kvCacheUsage, Set<String> models,
                         boolean waitingFound, boolean runningFound, LoraAdapters lora) {
        this(waiting, running, kvCacheUsage, models, waitingFound, runningFound, lora, EngineCounters.NONE);
    }

    public EngineMetrics withCounters(EngineCounters newCounters) {
        return new EngineMetrics(waiting, running, kvCacheUsage, models, waitingFound, runningFound, lora,
                newCounters);
    }

    public EngineMetrics {
        checkCount("waiting", waiting);
        checkCount("running", running);
        if (!Double.isNaN(kvCacheUsage) && !(kvCacheUsage >= 0 && kvCacheUsage <= 1)) {
            throw new IllegalArgumentException("kvCacheUsage: " + kvCacheUsage + " (expected: 0..1 or NaN)");
        }
        models = Set.copyOf(requireNonNull(models, "models"));
        requireNonNull(lora, "lora");
        requireNonNull(counters, "counters");
    }

    /** Whether {@link #kvCacheUsage()} holds a reading. */
    public boolean kvCacheUsageFound() {
        return !Double.isNaN(kvCacheUsage);
    }

    private static void checkCount(String what, double value) {
        if (!(value >= 0 && value <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: finite and >= 0)");
        }
    }
}
