package io.qgate.routing;

/**
 * How many requests the other gateways have sent to this pool that this gateway has not heard of
 * yet: their dispatch rate, as their reports add up, times how late a report tells of a dispatch.
 * That many requests are on their way to the least loaded replicas as this gateway sees them, so
 * a decision that also takes the very least loaded one joins a herd ({@link HerdSpread}).
 *
 * <p>The rate is measured over windows of {@link #WINDOW_NANOS} and smoothed; the lag is smoothed
 * over reports. Written by the peer exchange's one thread; decisions read one volatile number.
 */
final class PeerPace {

    /** The window over which the peers' dispatches are counted into a rate. */
    static final long WINDOW_NANOS = 100_000_000L;
    /** Without a report for this long, the peers are taken to send nothing. */
    static final long QUIET_NANOS = 1_000_000_000L;
    /** How much each new window's rate, and each new report's lag, moves the smoothed value. */
    private static final double SMOOTHING = 0.25;

    private long windowStartNanos = Long.MIN_VALUE;
    private long windowCount;
    private double ratePerNano;
    private double lagNanos = Double.NaN;
    private volatile double unseen;
    private volatile long lastHeardNanos = Long.MIN_VALUE;

    /** The peers' reports told of {@code dispatched} more requests, {@code lagNanos} late on average, at {@code nowNanos}. */
    synchronized void heard(long dispatched, long lagNanos, long nowNanos) {
        if (dispatched <= 0) {
            return;
        }
        lastHeardNanos = nowNanos;
        this.lagNanos = Double.isNaN(this.lagNanos) ? lagNanos : this.lagNanos + SMOOTHING * (lagNanos - this.lagNanos);
        if (windowStartNanos == Long.MIN_VALUE) {
            windowStartNanos = nowNanos;
        }
        windowCount += dispatched;
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= WINDOW_NANOS) {
            double rate = (double) windowCount / elapsed;
            ratePerNano = ratePerNano == 0 ? rate : ratePerNano + SMOOTHING * (rate - ratePerNano);
            windowStartNanos = nowNanos;
            windowCount = 0;
        }
        unseen = ratePerNano * this.lagNanos;
    }

    /** The peers' requests on their way that this gateway does not know of yet, at {@code nowNanos}; 0 without peers. */
    double unseen(long nowNanos) {
        long last = lastHeardNanos;
        return last == Long.MIN_VALUE || nowNanos - last > QUIET_NANOS ? 0 : unseen;
    }
}
