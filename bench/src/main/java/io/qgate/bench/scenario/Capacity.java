package io.qgate.bench.scenario;

/**
 * The fleet's measured saturation throughput.
 *
 * @param modelledRps requests per modelled second the whole fleet completes with every batch full
 * @param finished    requests the engines finished inside the measuring window
 * @param windowSeconds the measuring window, modelled seconds
 */
record Capacity(double modelledRps, long finished, double windowSeconds) {

    /** How the number was found, for the report. */
    static final String METHOD = "measured: closed loop straight at the replicas (no gateway), 2 x max-num-seqs "
            + "connections each, so every batch stays full and a queue stays waiting; requests the engines "
            + "finished (vllm:request_success_total) counted between 25% and 95% of the run, leaving out "
            + "the ramp-up and the drain";
}
