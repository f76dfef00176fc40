package io.qgate.routing;

/**
 * How much slower each accepting replica turns out tokens than the pool's fastest, from the time
 * between two tokens of a sequence that each engine reports ({@link EngineRates}): the work ahead
 * on a replica twice as slow is twice as long a wait. Counted in whole steps (the ratio rounded,
 * at least 1), so that the few tenths by which a busier batch slows an engine of the same hardware
 * change nothing, and a fleet of one kind of hardware routes exactly as if no speed were known; a
 * replica that reports no time between tokens counts as fast as the fastest.
 *
 * <p>Worked out again once per round of reports (as many reports as there are replicas), so the
 * cost per report stays constant however large the pool. Thread-safe.
 */
final class ReplicaSpeeds {

    private int reports;

    /** One replica reported its counters; {@code loads} are the pool's accepting replicas now. */
    synchronized void reported(EndpointLoad[] loads) {
        if (++reports < loads.length) {
            return;
        }
        reports = 0;
        assign(loads);
    }

    /** Gives each of {@code loads} its slowness against the fastest of them. */
    static void assign(EndpointLoad[] loads) {
        // Each replica's time read once: the read takes the rates' lock.
        double[] betweens = new double[loads.length];
        double fastest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < loads.length; i++) {
            betweens[i] = loads[i].rates().secondsBetweenTokens();
            if (betweens[i] > 0) {
                fastest = Math.min(fastest, betweens[i]);
            }
        }
        for (int i = 0; i < loads.length; i++) {
            double between = betweens[i];
            loads[i].slowness(between > 0 && fastest < Double.POSITIVE_INFINITY
                    ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(between / fastest))) : 1);
        }
    }
}
