package io.qgate.fleet;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.StringJoiner;

/** How numbers read in progress lines and reports. */
public final class Format {

    private Format() {}

    /** Milliseconds, {@code ∞} for requests that never got an answer. */
    public static String millis(double ms) {
        if (Double.isInfinite(ms)) {
            return "∞";
        }
        return ms >= 100 ? String.format(Locale.ROOT, "%,.0f", ms) : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** A whole number without decimals, anything else with one. */
    public static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /** A setting as written: every digit it has, none it does not ({@code 0.04}, {@code 60}). */
    public static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** A ratio to two decimals, {@code ∞} or {@code —} when it has no meaning. */
    public static String ratio(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        return Double.isInfinite(value) ? "∞" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** The recovery of each disturbance of the run, or {@code —} when the trace has none. */
    public static String recovery(AutoscaleRun.Result result) {
        if (result.recoverySeconds().isEmpty()) {
            return "—";
        }
        StringJoiner joiner = new StringJoiner(", ");
        for (double seconds : result.recoverySeconds()) {
            joiner.add(String.format(Locale.ROOT, "%.0f s", seconds));
        }
        return joiner.toString();
    }
}
