package io.qgate.bench.study.routing;

import static java.util.Objects.requireNonNull;

/**
 * The fleet's saturation throughput, measured or given.
 *
 * @param modelledRps   requests per modelled second the whole fleet completes with every batch full
 * @param finished      requests the engines finished inside the measuring window (0 when given)
 * @param windowSeconds the measuring window, modelled seconds (0 when given)
 * @param method        how the number was found, for the report
 */
public record Capacity(double modelledRps, long finished, double windowSeconds, String method) {

    static final String MEASURED = "measured: closed loop straight at the replicas (no gateway), 2 x max-num-seqs "
            + "connections each, so every batch stays full and a queue stays waiting; requests the engines "
            + "finished (vllm:request_success_total) counted between 25% and 95% of the run, leaving out "
            + "the ramp-up and the drain";

    static final String GIVEN = "given with --capacity, not measured";

    public Capacity {
        requireNonNull(method, "method");
    }

    public static Capacity given(double modelledRps) {
        return new Capacity(modelledRps, 0, 0, GIVEN);
    }
}
