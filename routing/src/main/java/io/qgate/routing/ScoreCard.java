package io.qgate.routing;

/**
 * The scores of the last decision that considered one replica, for {@code /debug/endpoints}:
 * the first {@link #SCORERS} scorers' scores in the strategy's order, the weighted total, and the
 * decision's instant.
 *
 * <p>Fields, not an array, and written without a fence by whichever event loop decides, so that
 * noting the scores costs a decision a few stores per candidate: a reader may see a mix of two
 * decisions' values, which a debugging aid can afford and the hot path could not.
 */
public final class ScoreCard {

    /** The scorers whose scores a card keeps; a strategy's further scorers count in the total only. */
    public static final int SCORERS = 4;

    /** Floats: a debugging aid needs no more digits, and a smaller card is a cheaper write. */
    private float first;
    private float second;
    private float third;
    private float fourth;
    private double total;
    /** {@link Long#MIN_VALUE} until the first decision: no clock reads it. */
    private long atNanos = Long.MIN_VALUE;

    void record(long nowNanos, double firstScore, double secondScore, double thirdScore, double fourthScore,
                double weightedTotal) {
        first = (float) firstScore;
        second = (float) secondScore;
        third = (float) thirdScore;
        fourth = (float) fourthScore;
        total = weightedTotal;
        atNanos = nowNanos;
    }

    /** Whether a scoring decision has considered the replica yet. */
    public boolean recorded() {
        return atNanos != Long.MIN_VALUE;
    }

    /** The instant of that decision. */
    public long atNanos() {
        return atNanos;
    }

    /** The score of the strategy's scorer {@code scorer}, from 0 to {@link #SCORERS} - 1, to a float's digits. */
    public double score(int scorer) {
        float score = switch (scorer) {
            case 0 -> first;
            case 1 -> second;
            case 2 -> third;
            case 3 -> fourth;
            default -> throw new IndexOutOfBoundsException(
                    "scorer: " + scorer + " (expected: 0 to " + (SCORERS - 1) + ")");
        };
        // 0.1f read as 0.1, not 0.10000000149011612.
        return Double.parseDouble(Float.toString(score));
    }

    /** The weighted total of all the strategy's scorers. */
    public double total() {
        return total;
    }
}
