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
 * unless a few requests wait in the engine. So {@code auto} is 0 until a scrape shows load that
 * neither this gateway nor a peer accounts for, then {@link #FEW} until no scrape has shown any
 * for {@link #MEMORY}.
 *
 * <p>Thread-safe: one volatile timestamp.
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

    /** How long unexplained load keeps the allowance up after it was last seen. */
    static final Duration MEMORY = Duration.ofMinutes(1);

    private final int fixed;
    private volatile long lastUnexplainedNanos;
    private volatile boolean seen;

    /** @param engineQueue requests an engine may have waiting, or {@link #AUTO} */
    EngineAllowance(int engineQueue) {
        if (engineQueue < AUTO) {
            throw new IllegalArgumentException("engineQueue: " + engineQueue + " (expected: >= 0, or AUTO)");
        }
        this.fixed = engineQueue;
    }

    /**
     * The allowance now, given the most requests that a fresh scrape of any of the pool's engines
     * shows beyond what this gateway and its peers have open there.
     */
    int allowance(double unexplained, long nowNanos) {
        if (fixed != AUTO) {
            return fixed;
        }
        if (unexplained >= UNEXPLAINED) {
            lastUnexplainedNanos = nowNanos;
            seen = true;
        }
        return seen && nowNanos - lastUnexplainedNanos <= MEMORY.toNanos() ? FEW : 0;
    }
}
