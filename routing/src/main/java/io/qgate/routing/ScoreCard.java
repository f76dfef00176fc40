package io.qgate.routing;

/**
 * The scores of the last decision that considered one replica: one per scorer in the strategy's
 * order, then the weighted total, and the decision's instant. For {@code /debug/endpoints}.
 *
 * <p>Written without a fence by whichever event loop decides, so a reader may see a mix of two
 * decisions' values: a debugging aid must not cost the hot path a memory barrier per candidate.
 */
public final class ScoreCard {

    private double[] values = new double[0];
    private long atNanos;
    private boolean recorded;

    void record(long nowNanos, double[][] scores, int scorers, int candidate, double total) {
        double[] card = values;
        if (card.length != scorers + 1) {
            card = new double[scorers + 1];
            values = card;
        }
        for (int k = 0; k < scorers; k++) {
            card[k] = scores[k][candidate];
        }
        card[scorers] = total;
        atNanos = nowNanos;
        recorded = true;
    }

    /** Whether a scoring decision has considered the replica yet. */
    public boolean recorded() {
        return recorded;
    }

    /** The instant of that decision. */
    public long atNanos() {
        return atNanos;
    }

    /** The scores by scorer in the strategy's order, then the total; empty before any decision. */
    public double[] values() {
        return values.clone();
    }
}
