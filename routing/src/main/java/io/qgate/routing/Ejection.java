package io.qgate.routing;

/**
 * Outlier ejection of one replica: after {@code failures} consecutive failures (connect errors
 * or 5xx answers) it takes no new requests for a while; the time doubles on each repeat up to a
 * maximum, and resets once the replica has served a request successfully after returning.
 *
 * <p>Synchronized: failures are rare, and the success path reads one volatile field only.
 */
final class Ejection {

    private volatile long ejectedUntilNanos;
    private volatile int consecutiveFailures;
    private volatile int timesEjected;

    boolean ejected(long nowNanos) {
        long until = ejectedUntilNanos;
        return until != 0 && nowNanos - until < 0;
    }

    void success() {
        if (consecutiveFailures != 0 || timesEjected != 0) {
            synchronized (this) {
                consecutiveFailures = 0;
                timesEjected = 0;
            }
        }
    }

    /** Records a failure; returns true when it ejected the replica. */
    synchronized boolean failure(long nowNanos, RoutingSettings settings) {
        if (settings.ejectionFailures() <= 0 || ejected(nowNanos)) {
            return false;
        }
        consecutiveFailures++;
        if (consecutiveFailures < settings.ejectionFailures()) {
            return false;
        }
        long base = settings.ejectionBaseTime().toNanos();
        long max = settings.ejectionMaxTime().toNanos();
        long time = timesEjected >= 30 ? max : Math.min(max, base << timesEjected);
        timesEjected++;
        consecutiveFailures = 0;
        ejectedUntilNanos = nowNanos + time;
        return true;
    }

    /** When the current ejection ends (0 if never ejected). */
    long ejectedUntilNanos() {
        return ejectedUntilNanos;
    }

    /** Nanoseconds of ejection left, 0 when not ejected. */
    long remainingNanos(long nowNanos) {
        long until = ejectedUntilNanos;
        return until != 0 && nowNanos - until < 0 ? until - nowNanos : 0;
    }
}
