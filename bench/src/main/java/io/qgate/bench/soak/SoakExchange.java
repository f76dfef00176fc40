package io.qgate.bench.soak;

/** A request in flight, and when it should have started (latency counts from there). */
final class SoakExchange {
    private final SoakTraffic.Request request;
    private final long intendedStartNanos;
    private boolean ended;

    SoakExchange(SoakTraffic.Request request, long intendedStartNanos) {
        this.request = request;
        this.intendedStartNanos = intendedStartNanos;
    }

    SoakTraffic.Request request() {
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
