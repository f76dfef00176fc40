package io.qgate.fleet.hpa;

import static java.util.Objects.requireNonNull;

/**
 * One {@code HPAScalingPolicy}: how much the replica count may change within a sliding period.
 *
 * @param type          {@link Type#PODS} (an absolute number) or {@link Type#PERCENT} (of the count at the period's start)
 * @param value         the change allowed, > 0
 * @param periodSeconds the sliding period, 1 to 1800 s
 */
public record ScalingPolicy(Type type, int value, int periodSeconds) {

    public enum Type { PODS, PERCENT }

    public ScalingPolicy {
        requireNonNull(type, "type");
        if (value <= 0) {
            throw new IllegalArgumentException("value: " + value + " (expected: > 0)");
        }
        if (periodSeconds <= 0 || periodSeconds > 1800) {
            throw new IllegalArgumentException("periodSeconds: " + periodSeconds + " (expected: 1-1800)");
        }
    }

    public static ScalingPolicy pods(int value, int periodSeconds) {
        return new ScalingPolicy(Type.PODS, value, periodSeconds);
    }

    public static ScalingPolicy percent(int value, int periodSeconds) {
        return new ScalingPolicy(Type.PERCENT, value, periodSeconds);
    }
}
