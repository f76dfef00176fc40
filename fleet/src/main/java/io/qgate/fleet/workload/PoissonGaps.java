package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/** The gaps between Poisson arrivals: exponentially distributed, with the given mean rate. */
public final class PoissonGaps {

    private PoissonGaps() {}

    /** The next gap in seconds, for {@code perSecond} arrivals a second on average. */
    public static double nextSeconds(SplittableRandom random, double perSecond) {
        return -Math.log(1.0 - random.nextDouble()) / perSecond;
    }

    /** As {@link #nextSeconds}, in whole nanoseconds and at least one, for scheduling. */
    public static long nextNanos(SplittableRandom random, double perSecond) {
        return Math.max(1, (long) (nextSeconds(random, perSecond) * 1e9));
    }
}
