package io.qgate.routing;

import io.qgate.routing.metrics.EngineCounters;

/**
 * One replica's speed as its engine reports it: from the counters of two scrapes
 * ({@link EngineCounters}), the requests prefilled between them with their mean uncached prompt
 * and mean prefill time, fitted to a line of their own ({@link #prefillFit}), and the engine's
 * mean time between two tokens of a sequence, which with the batch's size gives the time per
 * decode token of the whole batch. Counters that went down (the engine restarted) only start a new
 * interval. Thread-safe.
 *
 * <p>The engine's line stands beside the gateway's own ({@link EndpointLoad#ttftFit}) rather than
 * in it: an engine's prefill time includes its wait behind the prefills admitted before it, which
 * the engine's counters cannot tell from the request's own, while the gateway's observations
 * pair each first token with the work it knew ahead. Fed into one line, the engine's points
 * steepened it, and {@code predicted} moved tenants off their homes (docs/routing.md has the
 * figures).
 */
final class EngineRates {

    /** Each interval's inter-token figure weighs this much of the one after it. */
    static final double DECAY = 0.9;

    private EngineCounters previous;
    /** The engine's own prefills, apart from the gateway's observations. */
    private final TtftFit prefillFit = new TtftFit();
    private double interTokenSeconds;
    private double interTokens;
    /** A sequence's seconds between two tokens, summed over intervals (decayed), and its tokens. */
    private double sequenceSeconds;

    /**
     * Reads one scrape's counters; {@code running} is the batch the scrape reported. The
     * interval's prefills are one observation of the engine's line.
     */
    synchronized void scraped(EngineCounters counters, double running) {
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
            prefillFit.observe(Math.max(0, prompt - cached) / prefills, prefillSeconds / prefills);
        }
        double tokens = counters.interTokens() - last.interTokens();
        double seconds = counters.interTokenSeconds() - last.interTokenSeconds();
        if (tokens > 0 && seconds >= 0 && running >= 1) {
            // Every step gives each running sequence one token: the batch's time per token is the
            // sequence's time between tokens over the batch's size.
            interTokenSeconds = interTokenSeconds * DECAY + seconds / running;
            interTokens = interTokens * DECAY + tokens;
            sequenceSeconds = sequenceSeconds * DECAY + seconds;
        }
    }

    /** The line fitted to the engine's own prefills: uncached prompt tokens against seconds to the first token. */
    TtftFit prefillFit() {
        return prefillFit;
    }

    /**
     * A sequence's mean seconds between two of its tokens, recently; NaN until reported. It
     * rises with the engine's batch and with slower hardware alike: either way, the tokens ahead
     * of a request there come out that much slower.
     */
    synchronized double secondsBetweenTokens() {
        return interTokens > 0 ? sequenceSeconds / interTokens : Double.NaN;
    }

    /** Seconds the engine takes per output token of its whole batch, recently; NaN until reported. */
    synchronized double secondsPerDecodeToken() {
        return interTokens > 0 ? interTokenSeconds / interTokens : Double.NaN;
    }
}
