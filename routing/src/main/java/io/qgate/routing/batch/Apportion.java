package io.qgate.routing.batch;

/**
 * Splits a whole number into parts proportional to weights, by largest remainder: the parts are
 * whole and add up to the total exactly, so the usage clients see sums to what the replica
 * reported for the batch.
 */
final class Apportion {

    private Apportion() {}

    static long[] of(long total, long[] weights) {
        long[] parts = new long[weights.length];
        long weightSum = 0;
        for (long weight : weights) {
            weightSum += weight;
        }
        if (weights.length == 0) {
            return parts;
        }
        if (weightSum <= 0) {
            // No basis to weigh by: equal shares.
            return of(total, filled(weights.length));
        }
        double[] remainders = new double[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = (double) total * weights[i] / weightSum;
            parts[i] = (long) Math.floor(exact);
            remainders[i] = exact - parts[i];
            given += parts[i];
        }
        for (long left = total - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            parts[best]++;
            remainders[best] = -1;
        }
        return parts;
    }

    private static long[] filled(int length) {
        long[] ones = new long[length];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }
}
