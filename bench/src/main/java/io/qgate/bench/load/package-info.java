/**
 * The load generator: drives an OpenAI-compatible server (vLLM, LiteLLM, qgate, nginx) with an
 * open loop of Poisson arrivals or a closed loop of fixed concurrency, over Netty keep-alive
 * connections, and measures time to first token and end-to-end latency in HdrHistograms.
 *
 * <p>One {@link io.qgate.bench.load.Lane} per event loop carries the connections, the arrivals and
 * the timeouts; what it sends and how each request is counted is a
 * {@link io.qgate.bench.load.LaneTraffic}, so that a study (the soak) drives the same lane with its
 * own requests, counters and client faults.
 *
 * <p>Entry points: {@link io.qgate.bench.load.LoadGenerator#run(LoadOptions)} in-process, and
 * {@link io.qgate.bench.load.LoadCommand#main(String[])} for the {@code load} command line.
 */
package io.qgate.bench.load;
