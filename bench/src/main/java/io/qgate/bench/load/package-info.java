/**
 * The load generator: drives an OpenAI-compatible server (vLLM, LiteLLM, qgate, nginx) with an
 * open loop of Poisson arrivals or a closed loop of fixed concurrency, over Netty keep-alive
 * connections, and measures time to first token and end-to-end latency in HdrHistograms.
 *
 * <p>Entry points: {@link io.qgate.bench.load.LoadGenerator#run(LoadOptions)} in-process, and
 * {@link io.qgate.bench.load.LoadCommand#main(String[])} for the {@code load} command line.
 */
package io.qgate.bench.load;
