package io.qgate.gateway.config;

import java.util.Locale;

/**
 * Who may read the admin port's {@code /debug/*} pages ({@code admin.debug}). The port is usually
 * fenced by a NetworkPolicy already; this is the second lock, for clusters where the monitoring
 * namespace should see the metrics but not each replica's inner state.
 */
public enum DebugPages {
    /** Everyone who reaches the admin port. */
    ON,
    /** No one: 404, as if the pages did not exist. */
    OFF,
    /** Clients on the loopback address only (a {@code kubectl port-forward}, a sidecar); others get 403. */
    LOOPBACK;

    static DebugPages parse(String key, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true" -> ON;
            case "off", "false" -> OFF;
            case "loopback" -> LOOPBACK;
            default -> throw new IllegalArgumentException(key + ": " + text + " (expected: on, off or loopback)");
        };
    }
}
