package io.qgate.bench.load;

import java.time.Duration;

/** Parses and prints the short duration form of the command line: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
final class Durations {
    private Durations() {}

    static Duration parse(String name, String text) {
        String value = text.trim();
        int split = 0;
        while (split < value.length() && Character.isDigit(value.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 12) {
            throw invalid(name, text);
        }
        long amount = Long.parseLong(value.substring(0, split));
        switch (value.substring(split)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                throw invalid(name, text);
        }
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    private static IllegalArgumentException invalid(String name, String text) {
        return new IllegalArgumentException(name + ": " + text + " (expected: a duration such as 500ms, 30s, 2m)");
    }
}
