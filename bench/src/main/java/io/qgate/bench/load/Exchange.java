package io.qgate.bench.load;

/**
 * A request in flight. Compared by identity: two requests are never the same exchange.
 */
final class Exchange {
    private final LoadRequest request;
    private final long intendedStartNanos;

    /**
     * @param intendedStartNanos when the request should have started: latency counts from here, so
     *                           a request that waited for the generator is not reported as fast
     */
    Exchange(LoadRequest request, long intendedStartNanos) {
        this.request = request;
        this.intendedStartNanos = intendedStartNanos;
    }

    LoadRequest request() {
        return request;
    }

    long intendedStartNanos() {
        return intendedStartNanos;
    }
}
