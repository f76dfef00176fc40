package io.qgate.routing;

import io.qgate.routing.metrics.EngineCounters;

/**
 * One replica's speed as its engine reports it: from the counters of two scrapes
 * ({@link EngineCounters}), the requests prefilled between them with their mean uncached prompt
 * and mean prefill time, which go into the replica's {@link TtftFit} beside the gateway's own
 * observations, and the engine's mean time between two tokens of a sequence, which with the
 * batch's size gives the time per decode token of the whole batch. Counters that went down (the
 * engine restarted) only start a new interval. Thread-safe.
 */
final class EngineRates {

    /** Each interval's inter-token figure weighs this much of the one after it. */
    static final double DECAY = 0.9;

    private EngineCounters previous;
    private double interTokenSeconds;
    private double interTokens;

    /**
     * Reads one scrape's counters; {@code running} is the batch the scrape reported. Feeds the
     * interval's prefills into {@code fit} as one observation.
     */
    synchronized void scraped(EngineCounters counters, double running, TtftFit fit) {
        EngineCounters last = previous;
        previous = counters;
        if (last == null) {
            return;
        }
        double prefills = counters.prefills() - last.prefills();
        double prefillSeconds = counters.prefillSeconds() - last.prefillSeconds();
        double prompt = counters.promptTokens() - last.promptTokens();
        // A replica that reports no prefix-cache counter is taken to have computed every prompt token.
        double cached = Double.isNaN(counters.cachedPromptTokens()) || Double.isNaN(last.cachedPromptTokens())
                ? 0 : counters.cachedPromptTokens() - last.cachedPromptTokens();
        if (prefills > 0 && prefillSeconds >= 0 && prompt >= 0 && cached >= 0) {
            fit.observe(Math.max(0, prompt - cached) / prefills, prefillSeconds / prefills);
        }
        double tokens = counters.interTokens() - last.interTokens();
        double seconds = counters.interTokenSeconds() - last.interTokenSeconds();
        if (tokens > 0 && seconds >= 0 && running >= 1) {
            // Every step gives each running sequence one token: the batch's time per token is the
            // sequence's time between tokens over the batch's size.
            interTokenSeconds = interTokenSeconds * DECAY + seconds / running;
            interTokens = interTokens * DECAY + tokens;
        }
    }

    /** Seconds the engine takes per output token of its whole batch, recently; NaN until reported. */
    synchronized double secondsPerDecodeToken() {
        return interTokens > 0 ? interTokenSeconds / interTokens : Double.NaN;
    }
}
