package io.qgate.gateway.pool;

import io.qgate.gateway.config.GatewayConfig;
import java.time.Duration;

/**
 * How many requests an engine may have waiting before it counts as saturated
 * ({@code admission.engine-queue}): a fixed number, or {@code auto}.
 *
 * <p>The allowance keeps an engine busy between a finish and the next dispatch when the gateway
 * cannot see that finish in time. A gateway that knows every request at the engines (it is the
 * only one, or its peers share their counts) sees each finish as it happens and dispatches the
 * next waiter at once; there an allowance only puts requests in the engine's own first-come queue,
 * where a quiet tenant and an urgent request wait behind them. Other gateways' requests that no
 * peer reports show only in scrapes, late: their finishes leave slots idle until the next scrape
 * unless a few requests wait in the engine. So {@code auto} is 0 until scrapes have shown load
 * that neither this gateway nor a peer accounts for, without a break, for {@link #CONFIRM}; then
 * {@link #FEW} until {@link #MEMORY} has passed without such a stretch. One scrape alone does not
 * count: a scrape read while requests end, or begin, can be a request or two off for a moment.
 *
 * <p>Thread-safe: volatile timestamps; racing readers at worst start a stretch a moment apart.
 */
final class EngineAllowance {

    /** {@code admission.engine-queue: auto}. */
    static final int AUTO = GatewayConfig.Saturation.AUTO;

    /** The allowance where other gateways' load shows only in scrapes. */
    static final int FEW = 2;

    /**
     * Unexplained requests at one engine that count as another gateway's, not as the noise of
     * requests crossing the wire around a scrape (one sent or ended just before it).
     */
    static final double UNEXPLAINED = 2;

    /** How long unexplained load must be seen without a break before it counts: many scrapes. */
    static final Duration CONFIRM = Duration.ofSeconds(1);

    /** How long counted unexplained load keeps the allowance up after it was last seen. */
    static final Duration MEMORY = Duration.ofMinutes(1);

    private static final long NEVER = Long.MIN_VALUE;

    private final int fixed;
    /** Since when every reading showed unexplained load, or {@link #NEVER}. */
    private volatile long stretchStart = NEVER;
    /** When unexplained load last counted, or {@link #NEVER}. */
    private volatile long countedAt = NEVER;

    /** @param engineQueue requests an engine may have waiting, or {@link #AUTO} */
    EngineAllowance(int engineQueue) {
        if (engineQueue < AUTO) {
            throw new IllegalArgumentException("engineQueue: " + engineQueue + " (expected: >= 0, or AUTO)");
        }
        this.fixed = engineQueue;
    }

    /**
     * The allowance now, given whether a fresh scrape of any of the pool's engines shows at least
     * {@link #UNEXPLAINED} requests beyond what this gateway and its peers have open there.
     */
    int allowance(boolean unexplainedSeen, long nowNanos) {
        if (fixed != AUTO) {
            return fixed;
        }
        if (!unexplainedSeen) {
            stretchStart = NEVER;
        } else if (stretchStart == NEVER) {
            stretchStart = nowNanos;
        } else if (nowNanos - stretchStart >= CONFIRM.toNanos()) {
            countedAt = nowNanos;
        }
        long counted = countedAt;
        return counted != NEVER && nowNanos - counted <= MEMORY.toNanos() ? FEW : 0;
    }

    /** Every value {@link #allowance} can answer: the room keeps a sum for each. */
    int[] values() {
        return fixed == AUTO ? new int[] {0, FEW} : new int[] {fixed};
    }
}
