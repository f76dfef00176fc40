package io.qgate.routing.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration ({@code 100ms}, {@code 2s}, {@code 10m}, {@code 1h}) and size
 *  ({@code 16MiB}, {@code 512KiB}, {@code 1000}) notation of the configuration. */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib|kb|mb|gb)?");

    private Units() {}

    /** A duration with its unit ({@code 0} alone is allowed): a bare {@code 30} could mean anything. */
    public static Duration duration(String key, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(2) == null && Double.parseDouble(m.group(1)) != 0)) {
            throw new IllegalArgumentException(key + ": " + text + " (expected: a duration such as 500ms, 30s, 2m)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** A size in bytes; a bare number is bytes, KiB/MiB/GiB are binary and kB/MB/GB decimal. */
    public static long size(String key, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": " + text + " (expected: a size such as 16MiB, 512KiB, 1000)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = switch (unit) {
            case "b" -> 1L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        return Math.multiplyExact(amount, factor);
    }

    /** A whole number within {@code [min, max]}. */
    public static int integer(String key, String text, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": " + text + " (expected: a whole number)", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return value;
    }

    /** Formats a duration the way the configuration writes it, for logs and --help. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
