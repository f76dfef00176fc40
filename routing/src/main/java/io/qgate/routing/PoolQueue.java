package io.qgate.routing;

/**
 * The pool's queue as a router sees it: the sum over accepting endpoints of the fresh scraped
 * waiting queues. The gateway exports it as {@code qgate_pool_queue_length} and the fleet
 * simulation reads it as an HPA signal, so both compute it here, the same way.
 */
public final class PoolQueue {

    private PoolQueue() {}

    /** Endpoints whose scrape is stale or missing add nothing: an unknown queue is not an empty one. */
    public static double length(Router router) {
        long now = router.nowNanos();
        long staleAfter = router.settings().staleAfter().toNanos();
        double sum = 0;
        for (Endpoint endpoint : router.snapshot().accepting()) {
            double waiting = router.load(endpoint).scrapedWaiting(now, staleAfter);
            if (!Double.isNaN(waiting)) {
                sum += waiting;
            }
        }
        return sum;
    }
}
