package io.qgate.bench.study.queueing;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The physical floor of a quiet tenant's time to first token beside a flood that keeps every slot
 * of the pool busy: its time to first token alone, plus the wait from its arrival until the first
 * slot of any replica frees. No scheduler can do better without preempting the flood.
 *
 * <p>The wait is read from the run's own slot log ({@link Slots}): from the moment every slot was
 * first busy, at evenly spaced instants, the time until the next slot freed. For Poisson arrivals
 * the waits they meet are distributed as the waits at evenly spaced instants (arrivals see time
 * averages), and thousands of instants give a steadier percentile than the quiet tenant's few
 * dozen requests. Each wait is paired with every one of the tenant's times alone, and the floor's
 * percentiles are those of the sums.
 *
 * @param meanWaitNanos  the mean wait for a slot
 * @param p90WaitNanos   the 90th percentile of the wait for a slot
 * @param freesPerSecond slots freed per second over the saturated part of the run
 * @param p90Nanos       the floor's 90th percentile: wait plus time to first token alone
 */
record PhysicalFloor(double meanWaitNanos, double p90WaitNanos, double freesPerSecond, double p90Nanos) {

    /** Instants at which the wait is read. */
    static final int PROBES = 2000;

    /**
     * When the pool's slots were taken and freed during one run, over all replicas, in wall nanos.
     *
     * @param slots  the pool's slots: replicas × max-num-seqs
     * @param fromNanos when the load started
     * @param toNanos   when it stopped sending
     */
    record Slots(long[] taken, long[] freed, int slots, long fromNanos, long toNanos) {
        Slots {
            taken = taken.clone();
            freed = freed.clone();
            Arrays.sort(taken);
            Arrays.sort(freed);
        }

        /** The first moment every slot was busy, or {@link Long#MAX_VALUE} when none was. */
        long saturatedFrom() {
            int busy = 0;
            int t = 0;
            int f = 0;
            while (t < taken.length) {
                // A slot freed at the same instant as one is taken counts first: the batch is not fuller for it.
                if (f < freed.length && freed[f] <= taken[t]) {
                    busy--;
                    f++;
                } else {
                    busy++;
                    if (busy >= slots) {
                        return taken[t];
                    }
                    t++;
                }
            }
            return Long.MAX_VALUE;
        }
    }

    /**
     * The floor of a run whose slots are {@code slots}, for a tenant whose times to first token
     * alone (microseconds) are {@code aloneTtftMicros}; {@code null} when the pool never saturated
     * or no slot freed after it did.
     */
    static PhysicalFloor of(Slots slots, Histogram aloneTtftMicros, int probes) {
        long from = Math.max(slots.fromNanos(), slots.saturatedFrom());
        long to = slots.toNanos();
        long[] freed = slots.freed();
        if (from >= to || aloneTtftMicros.getTotalCount() == 0) {
            return null;
        }
        double[] waits = new double[probes];
        int n = 0;
        for (int k = 0; k < probes; k++) {
            long at = from + (long) ((k + 0.5) * (to - from) / probes);
            int next = firstAfter(freed, at);
            if (next < freed.length) {
                waits[n++] = freed[next] - at;
            }
        }
        if (n == 0) {
            return null;
        }
        waits = Arrays.copyOf(waits, n);
        long[] alone = values(aloneTtftMicros);
        double[] sums = new double[n * alone.length];
        int i = 0;
        for (double wait : waits) {
            for (long micros : alone) {
                sums[i++] = wait + micros * 1_000.0;
            }
        }
        long freesInWindow = firstAfter(freed, to) - firstAfter(freed, from);
        return new PhysicalFloor(Arrays.stream(waits).average().orElse(0), percentile(waits, 0.90),
                freesInWindow / ((to - from) / 1e9), percentile(sums, 0.90));
    }

    /** The index of the first element greater than {@code at} in a sorted array, or its length. */
    private static int firstAfter(long[] sorted, long at) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= at) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static long[] values(Histogram histogram) {
        long[] values = new long[(int) histogram.getTotalCount()];
        int i = 0;
        for (HistogramIterationValue value : histogram.recordedValues()) {
            long micros = histogram.medianEquivalentValue(value.getValueIteratedTo());
            for (long c = 0; c < value.getCountAtValueIteratedTo(); c++) {
                values[i++] = micros;
            }
        }
        return values;
    }

    /** The nearest-rank percentile, as HdrHistogram reports it. */
    static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
