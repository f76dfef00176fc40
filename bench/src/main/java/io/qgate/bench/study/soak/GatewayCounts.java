package io.qgate.bench.study.soak;

import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's request counters, read from its Prometheus text: {@code qgate_requests_total}
 * summed over model and route by status code, and {@code qgate_requests_received_total}.
 *
 * @param answeredByCode requests answered, by HTTP status (499: the client left first)
 * @param received       requests accepted
 */
record GatewayCounts(Map<Integer, Long> answeredByCode, long received) {

    private static final String ANSWERED = "qgate_requests_total{";
    private static final String RECEIVED = "qgate_requests_received_total{";

    GatewayCounts {
        answeredByCode = Map.copyOf(answeredByCode);
    }

    static GatewayCounts parse(String text) {
        Map<Integer, Long> byCode = new TreeMap<>();
        long received = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(ANSWERED)) {
                String code = label(line, "code");
                if (code != null) {
                    byCode.merge(Integer.parseInt(code), value(line), Long::sum);
                }
            } else if (line.startsWith(RECEIVED)) {
                received += value(line);
            }
        }
        return new GatewayCounts(byCode, received);
    }

    long answered() {
        return answeredByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    long answered(int code) {
        return answeredByCode.getOrDefault(code, 0L);
    }

    /** What happened between {@code before} and this reading. */
    GatewayCounts minus(GatewayCounts before) {
        Map<Integer, Long> delta = new TreeMap<>(answeredByCode);
        before.answeredByCode.forEach((code, count) -> delta.merge(code, -count, Long::sum));
        delta.values().removeIf(count -> count == 0);
        return new GatewayCounts(delta, received - before.received);
    }

    private static String label(String line, String name) {
        String key = name + "=\"";
        int start = line.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        int end = line.indexOf('"', start);
        return end < 0 ? null : line.substring(start, end);
    }

    /** The sample value after the closing brace (counters are whole numbers written as doubles). */
    private static long value(String line) {
        String rest = line.substring(line.lastIndexOf('}') + 1).trim();
        int space = rest.indexOf(' ');
        return Math.round(Double.parseDouble(space < 0 ? rest : rest.substring(0, space)));
    }
}
