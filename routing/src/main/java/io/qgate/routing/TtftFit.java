package io.qgate.routing;

/**
 * What time to first token one replica gives for the work ahead of a request: a line fitted to
 * the gateway's own observations (the tokens of work ahead when a request was sent, and how long
 * its first token took) by least squares, each observation weighing {@value #DECAY} of the one
 * after it, so the fit follows the replica's recent speed (about its last hundred answers). Its
 * slope is the replica's seconds per prefill token, its intercept the fixed part (the hops, the
 * first decode step). Thread-safe.
 */
final class TtftFit {

    static final double DECAY = 0.99;
    static final int MIN_OBSERVATIONS = 8;

    private double weight;
    private double sumWork;
    private double sumSeconds;
    private double sumWorkSquared;
    private double sumWorkSeconds;
    private int observations;

    synchronized void observe(double work, double seconds) {
        weight = weight * DECAY + 1;
        sumWork = sumWork * DECAY + work;
        sumSeconds = sumSeconds * DECAY + seconds;
        sumWorkSquared = sumWorkSquared * DECAY + work * work;
        sumWorkSeconds = sumWorkSeconds * DECAY + work * seconds;
        observations++;
    }

    /**
     * Predicted seconds to the first token with {@code work} tokens ahead; NaN until enough
     * answers were seen, and while the work they saw has not varied (no slope can be fitted).
     */
    synchronized double predict(double work) {
        if (observations < MIN_OBSERVATIONS) {
            return Double.NaN;
        }
        double variance = weight * sumWorkSquared - sumWork * sumWork;
        if (!(variance > 1e-6 * weight * weight)) {
            return Double.NaN;
        }
        double slope = Math.max(0, (weight * sumWorkSeconds - sumWork * sumSeconds) / variance);
        double intercept = Math.max(0, (sumSeconds - slope * sumWork) / weight);
        return intercept + slope * work;
    }
}
