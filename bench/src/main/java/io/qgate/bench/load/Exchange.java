package io.qgate.bench.load;

/**
 * A request in flight. Compared by identity: two requests are never the same exchange.
 *
 * @param <R> the study's request
 */
final class Exchange<R> {
    private final R request;
    private final long intendedStartNanos;
    private boolean ended;

    /**
     * @param intendedStartNanos when the request should have started: latency counts from here, so
     *                           a request that waited for the generator is not reported as fast
     */
    Exchange(R request, long intendedStartNanos) {
        this.request = request;
        this.intendedStartNanos = intendedStartNanos;
    }

    R request() {
        return request;
    }

    long intendedStartNanos() {
        return intendedStartNanos;
    }

    /** Marks the request ended; false if it already was (it must then not be counted again). */
    boolean markEnded() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }
}
