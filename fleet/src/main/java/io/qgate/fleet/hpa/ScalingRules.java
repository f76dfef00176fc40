package io.qgate.fleet.hpa;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * {@code HPAScalingRules} for one direction: the stabilization window, the rate limits and which
 * of them wins, and the tolerance.
 *
 * @param stabilizationWindowSeconds recommendations of this many past seconds are considered, 0 to 3600
 * @param selectPolicy               which policy's limit applies
 * @param policies                   the rate limits; at least one unless scaling is disabled
 * @param tolerance                  a metric within this fraction of its target causes no change in this direction
 */
public record ScalingRules(int stabilizationWindowSeconds, SelectPolicy selectPolicy, List<ScalingPolicy> policies,
                           double tolerance) {

    /** The cluster-wide default tolerance. */
    public static final double DEFAULT_TOLERANCE = 0.1;

    public ScalingRules {
        requireNonNull(selectPolicy, "selectPolicy");
        policies = List.copyOf(policies);
        if (stabilizationWindowSeconds < 0 || stabilizationWindowSeconds > 3600) {
            throw new IllegalArgumentException("stabilizationWindowSeconds: " + stabilizationWindowSeconds
                    + " (expected: 0-3600)");
        }
        if (policies.isEmpty() && selectPolicy != SelectPolicy.DISABLED) {
            throw new IllegalArgumentException("policies: none (expected: at least one unless selectPolicy is DISABLED)");
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance: " + tolerance + " (expected: >= 0)");
        }
    }

    /** What an HPA without {@code behavior.scaleUp} gets: no window; 4 pods or 100% per 15 s, whichever is more. */
    public static ScalingRules defaultScaleUp() {
        return new ScalingRules(0, SelectPolicy.MAX,
                List.of(ScalingPolicy.pods(4, 15), ScalingPolicy.percent(100, 15)), DEFAULT_TOLERANCE);
    }

    /** What an HPA without {@code behavior.scaleDown} gets: a 300 s window; down to the minimum within 15 s. */
    public static ScalingRules defaultScaleDown() {
        return new ScalingRules(300, SelectPolicy.MAX, List.of(ScalingPolicy.percent(100, 15)), DEFAULT_TOLERANCE);
    }

    public ScalingRules withStabilizationWindowSeconds(int seconds) {
        return new ScalingRules(seconds, selectPolicy, policies, tolerance);
    }

    /** The longest policy period: scale events older than this no longer limit anything. */
    int longestPeriodSeconds() {
        int longest = 0;
        for (ScalingPolicy policy : policies) {
            longest = Math.max(longest, policy.periodSeconds());
        }
        return longest;
    }
}
