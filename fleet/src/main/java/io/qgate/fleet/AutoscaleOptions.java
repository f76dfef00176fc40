package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code autoscale} command's choices.
 *
 * @param quick    one short step trace and one target per signal, no sweep (seconds)
 * @param traces   trace names or CSV files
 * @param baseRate the traces' base rate in requests per second
 * @param seed     the seed of every run
 * @param out      where the report, results and plots go
 */
public record AutoscaleOptions(boolean quick, List<String> traces, double baseRate, long seed, Path out) {

    public static final List<String> ALL_TRACES = List.of("step", "ramp", "diurnal", "bursty", "shift");

    public AutoscaleOptions {
        traces = List.copyOf(traces);
        requireNonNull(out, "out");
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("traces: none (expected: at least one)");
        }
        if (!(baseRate > 0) || Double.isInfinite(baseRate)) {
            throw new IllegalArgumentException("base rate: " + baseRate + " (expected: > 0)");
        }
    }
}
