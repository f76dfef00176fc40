package io.qgate.bench.load;

import java.util.concurrent.TimeUnit;

/**
 * The part of a run that one event loop carries. Splitting a Poisson process of rate R into N
 * independent ones of rate R/N gives back a Poisson process of rate R, so lanes need not
 * coordinate.
 *
 * @param requests how many requests this lane may issue, or {@link Long#MAX_VALUE} without a limit
 */
record LaneShare(double rate, int concurrency, long requests, int maxConnections) {

    /**
     * A refused connection fails in microseconds: without a pause a closed loop would burn its
     * request budget and a core on connect errors.
     */
    private static final long CONNECT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    static LaneShare of(LoadOptions options, int lane) {
        int lanes = options.threads();
        long requests = options.requests() == 0 ? Long.MAX_VALUE : split(options.requests(), lanes, lane);
        return new LaneShare(options.rate() / lanes, (int) split(options.concurrency(), lanes, lane), requests,
                (int) split(options.maxConnections(), lanes, lane));
    }

    /** This share as a lane's plan, on the run's clock. */
    LanePlan plan(LoadOptions options, long startNanos, long measureFromNanos) {
        long deadline = options.duration() == null ? Long.MAX_VALUE : measureFromNanos + options.duration().toNanos();
        return new LanePlan(rate, concurrency, requests, maxConnections, startNanos, measureFromNanos, deadline,
                options.requestTimeout().toNanos(), options.drainTimeout().toNanos(), CONNECT_RETRY_NANOS);
    }

    /** The lane's part of {@code total}: the remainder goes to the first lanes. */
    private static long split(long total, int lanes, int lane) {
        return total / lanes + (lane < total % lanes ? 1 : 0);
    }
}
