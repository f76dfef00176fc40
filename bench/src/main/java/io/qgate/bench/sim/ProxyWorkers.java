package io.qgate.bench.sim;

import java.util.Arrays;

/**
 * The CPU of a LiteLLM process, as a fixed number of workers that each serve one request at a
 * time for a fixed time, in arrival order.
 *
 * <p>Nothing waits on a thread: a request books the next turn of the worker that frees first and
 * learns when its work will be done, which is exactly the first-come-first-served queue of
 * {@code workers} servers with a fixed service time. A booked turn is kept even if the client
 * goes away meanwhile, as a Python event loop finishes a task that nobody reads any more.
 * Shared by every connection of a replica, so booking is synchronized.
 */
final class ProxyWorkers {

    private final long workNanos;
    /** When each worker is next free, on the {@link System#nanoTime()} scale. */
    private final long[] freeAt;

    ProxyWorkers(int workers, long workNanos, long nowNanos) {
        if (workers <= 0) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: > 0)");
        }
        if (workNanos < 0) {
            throw new IllegalArgumentException("workNanos: " + workNanos + " (expected: >= 0)");
        }
        this.workNanos = workNanos;
        this.freeAt = new long[workers];
        Arrays.fill(freeAt, nowNanos);
    }

    /**
     * Books the next turn for a request arriving at {@code nowNanos}.
     *
     * @return nanoseconds from {@code nowNanos} until the request's proxy work is done: the work
     *         itself plus the wait for a worker; 0 when the proxy does no work
     */
    synchronized long book(long nowNanos) {
        if (workNanos == 0) {
            return 0;
        }
        int first = 0;
        for (int i = 1; i < freeAt.length; i++) {
            // Differences, not comparisons: nanoTime values may be negative or wrap.
            if (freeAt[i] - freeAt[first] < 0) {
                first = i;
            }
        }
        long start = freeAt[first] - nowNanos > 0 ? freeAt[first] : nowNanos;
        freeAt[first] = start + workNanos;
        return freeAt[first] - nowNanos;
    }
}
