package io.qgate.bench.harness;

import java.util.List;
import java.util.Locale;

/** Markdown pieces: tables and number formats. */
public final class Md {

    private Md() {}

    /** A table; {@code align} holds one of {@code l}/{@code r} per column. */
    public static String table(List<String> header, String align, List<List<String>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(align.charAt(i) == 'r' ? "---:|" : "---|");
        }
        md.append('\n');
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    public static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Requests per second: {@code 39,812}. */
    public static String rps(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    public static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    public static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2f×", value);
    }

    public static String met(boolean met) {
        return met ? "**yes**" : "**no**";
    }

    public static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
