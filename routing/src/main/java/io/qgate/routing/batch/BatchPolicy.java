package io.qgate.routing.batch;

import java.time.Duration;

/**
 * When a pending batch goes out. It leaves at once when waiting could only add latency (the
 * replica it would go to is idle, or no other request is in progress that could join it), when it
 * is full (items or estimated tokens), or when its oldest member has waited the wait budget.
 * Otherwise it waits for company, never longer than the budget.
 *
 * @param maxItems  inputs per upstream call
 * @param maxTokens estimated input tokens per upstream call
 * @param maxWait   the longest a request waits for others to join it
 */
public record BatchPolicy(int maxItems, int maxTokens, Duration maxWait) {

    public BatchPolicy {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems: " + maxItems + " (expected: > 0)");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > 0)");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
        }
    }

    public static BatchPolicy defaults() {
        return new BatchPolicy(32, 8192, Duration.ofMillis(2));
    }

    /** The state of one pending batch, as the gateway sees it when a request joins or time passes. */
    public record Pending(int items, int tokens, long oldestArrivalNanos) {}

    /**
     * Whether {@code pending} should be sent now.
     *
     * @param replicaIdle     the replica the batch would go to has nothing in flight from us
     * @param othersInFlight  requests of the same kind still being received or routed, which could join
     */
    public boolean flushNow(Pending pending, long nowNanos, boolean replicaIdle, boolean othersInFlight) {
        return replicaIdle
                || !othersInFlight
                || pending.items() >= maxItems
                || pending.tokens() >= maxTokens
                || nowNanos - pending.oldestArrivalNanos() >= maxWait.toNanos();
    }

    /** Whether a request of {@code items} inputs and {@code tokens} would overflow {@code pending}. */
    public boolean overflows(Pending pending, int items, int tokens) {
        return pending.items() + items > maxItems || pending.tokens() + tokens > maxTokens;
    }

    /** When {@code pending} must leave at the latest. */
    public long deadlineNanos(Pending pending) {
        return pending.oldestArrivalNanos() + maxWait.toNanos();
    }
}
