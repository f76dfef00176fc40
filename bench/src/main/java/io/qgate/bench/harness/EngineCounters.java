package io.qgate.bench.harness;

/** Reads counters out of a replica's vLLM metrics exposition. */
public final class EngineCounters {

    private static final String SUCCESS = "vllm:request_success_total{";

    private EngineCounters() {}

    /**
     * {@code vllm:request_success_total} summed over its labels, leaving out aborted requests:
     * those ended because the client went away, not because the engine did the work.
     */
    public static long finished(String exposition) {
        long total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(SUCCESS) && !line.contains("finished_reason=\"abort\"")) {
                String value = line.substring(line.lastIndexOf(' ') + 1).trim();
                total += Math.round(Double.parseDouble(value));
            }
        }
        return total;
    }
}
