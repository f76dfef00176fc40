package io.qgate.bench.load;

import java.util.concurrent.TimeUnit;

/**
 * One lane's part of a run and its clock, in {@link System#nanoTime()} terms.
 *
 * @param rate             the open loop's arrivals per second; 0 for a closed loop
 * @param users            the closed loop's virtual users (ignored in an open loop)
 * @param requests         how many measured requests the lane may issue, or {@link Long#MAX_VALUE}
 * @param maxConnections   an open-loop arrival that would need more connections is not sent
 * @param startNanos       when the first arrival is due
 * @param measureFromNanos requests meant to start before this are the warm-up: sent, not counted
 * @param deadlineNanos    no request starts after this ({@link Long#MAX_VALUE}: only the budget stops)
 * @param connectRetryNanos a closed-loop user whose connect failed waits this long before the next:
 *                         a refused connect fails in microseconds, and would otherwise burn a core
 */
public record LanePlan(double rate, int users, long requests, int maxConnections, long startNanos,
                       long measureFromNanos, long deadlineNanos, long requestTimeoutNanos, long drainNanos,
                       long connectRetryNanos) {

    private static final long MAX_CONNECT_TIMEOUT_MILLIS = 10_000;

    public LanePlan {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0)");
        }
        atLeast("users", users, 0);
        atLeast("requests", requests, 0);
        atLeast("maxConnections", maxConnections, 0);
        atLeast("requestTimeoutNanos", requestTimeoutNanos, 1);
        atLeast("drainNanos", drainNanos, 0);
        atLeast("connectRetryNanos", connectRetryNanos, 0);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }

    boolean openLoop() {
        return rate > 0;
    }

    /** A connect may take as long as a request, up to ten seconds. */
    int connectTimeoutMillis() {
        return (int) Math.min(MAX_CONNECT_TIMEOUT_MILLIS,
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos)));
    }

    /** How often requests older than the request timeout are looked for. */
    long sweepNanos() {
        return Math.min(TimeUnit.SECONDS.toNanos(1), requestTimeoutNanos);
    }
}
