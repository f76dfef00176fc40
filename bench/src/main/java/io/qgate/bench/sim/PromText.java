package io.qgate.bench.sim;

/** Helpers for Prometheus text exposition written the way vLLM's Python client writes it. */
final class PromText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PromText() {}

    /** Python's float repr for the values that occur here: {@code 37.0}, {@code 0.8125}. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v + ".0";
        }
        return Double.toString(v).replace('E', 'e');
    }

    /** Escapes a label value per the exposition format. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static void help(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
