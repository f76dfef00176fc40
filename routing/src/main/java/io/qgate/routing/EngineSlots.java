package io.qgate.routing;

/**
 * An engine's batch slots as the gateway models them, for one replica given its estimated load:
 * whether a new request would wait for a slot, and how much of the batch's decode must come out
 * before it gets one. A decision asks it per candidate; the load index asks it per replica, so
 * that both compute the same key.
 */
final class EngineSlots {

    private EngineSlots() {
    }

    /**
     * Whether a request sent to a replica with estimated load {@code estimated} would queue there
     * ({@link Decision#wouldQueue(int)}).
     */
    static boolean wouldQueue(EndpointLoad load, double estimated, long nowNanos, long staleAfterNanos) {
        // NaN compares false: no fresh scrape or no limit learned yet is not known to queue.
        return load.scrapedWaiting(nowNanos, staleAfterNanos) > 0 || estimated + 1 > load.learnedBatchLimit();
    }

    /**
     * The share of the replica's remaining decode that must come out before a request sent there
     * now gets a slot ({@link Decision#slotWaitShare(int)}).
     */
    static double slotWaitShare(EndpointLoad load, double estimated, long nowNanos, long staleAfterNanos) {
        double limit = load.learnedBatchLimit();
        if (Double.isNaN(limit)) {
            limit = load.scrapedRunning(nowNanos, staleAfterNanos);
        }
        if (!(limit >= 1)) {
            return 1.0;
        }
        double place = Math.max(1.0, estimated + 1 - limit);
        return Math.min(1.0, 2 * place / limit);
    }
}
