package io.qgate.fleet.hpa;

/** {@code selectPolicy}: which of several policies' limits applies. */
public enum SelectPolicy {
    /** The policy that allows the largest change (the default). */
    MAX,
    /** The policy that allows the smallest change. */
    MIN,
    /** No scaling in this direction at all. */
    DISABLED
}
