package io.qgate.bench.load;

/**
 * The part of a run that one event loop carries. Splitting a Poisson process of rate R into N
 * independent ones of rate R/N gives back a Poisson process of rate R, so lanes need not
 * coordinate.
 *
 * @param requests how many requests this lane may issue, or {@link Long#MAX_VALUE} without a limit
 */
record LaneShare(double rate, int concurrency, long requests, int maxConnections) {

    static LaneShare of(LoadOptions options, int lane) {
        int lanes = options.threads();
        long requests = options.requests() == 0 ? Long.MAX_VALUE : split(options.requests(), lanes, lane);
        return new LaneShare(options.rate() / lanes, (int) split(options.concurrency(), lanes, lane), requests,
                (int) split(options.maxConnections(), lanes, lane));
    }

    /** The lane's part of {@code total}: the remainder goes to the first lanes. */
    private static long split(long total, int lanes, int lane) {
        return total / lanes + (lane < total % lanes ? 1 : 0);
    }
}
