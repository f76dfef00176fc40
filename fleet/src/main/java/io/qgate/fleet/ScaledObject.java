package io.qgate.fleet;

import java.time.Duration;

/**
 * What of a KEDA ScaledObject decides scaling to and from zero. KEDA reads its triggers every
 * {@code pollingInterval}: with the Deployment at zero, a trigger above its
 * {@code activationThreshold} scales it to one replica; above one replica the HPA that KEDA
 * creates (its minimum is one) scales as any HPA does; once no trigger has been active for
 * {@code cooldownPeriod}, KEDA scales the Deployment back to {@code minReplicaCount}. With
 * {@code minReplicaCount} 1 KEDA never deactivates it, and this is the HPA alone.
 *
 * @param minReplicaCount     0 (scale to zero) or 1
 * @param pollingInterval     how often KEDA reads the triggers (KEDA's default: 30 s)
 * @param activationThreshold the demand above which the Deployment is active
 * @param cooldownPeriod      how long without demand before scaling to zero
 */
public record ScaledObject(int minReplicaCount, Duration pollingInterval, double activationThreshold,
                    Duration cooldownPeriod) {

    public ScaledObject {
        if (minReplicaCount != 0 && minReplicaCount != 1) {
            throw new IllegalArgumentException("minReplicaCount: " + minReplicaCount + " (expected: 0 or 1)");
        }
        if (pollingInterval.isNegative() || pollingInterval.isZero()) {
            throw new IllegalArgumentException("pollingInterval: " + pollingInterval + " (expected: > 0)");
        }
        if (!(activationThreshold >= 0)) {
            throw new IllegalArgumentException("activationThreshold: " + activationThreshold + " (expected: >= 0)");
        }
        if (cooldownPeriod.isNegative()) {
            throw new IllegalArgumentException("cooldownPeriod: " + cooldownPeriod + " (expected: >= 0)");
        }
    }

    /** deploy/'s choice: any demand wakes the pool; fifteen minutes without it puts it back to zero. */
    static ScaledObject toZero(Duration pollingInterval, Duration cooldownPeriod) {
        return new ScaledObject(0, pollingInterval, 0, cooldownPeriod);
    }

    /** The HPA alone, one replica always up. */
    static ScaledObject minOne() {
        return new ScaledObject(1, Duration.ofSeconds(30), 0, Duration.ofMinutes(5));
    }
}
