/**
 * A simulated replica: one LiteLLM + vLLM pod behind a Netty HTTP/1.1 server.
 *
 * <p>{@link io.qgate.bench.sim.SimServer} speaks the OpenAI API (chat and text completions,
 * streamed or not, embeddings, models) and exposes vLLM V1's {@code /metrics}; behind it an
 * {@code Engine} batches sequences continuously in modelled time, so queues, slots, KV-cache use,
 * prefix-cache hits and latencies move the way the gateway's routing expects them to. Answers
 * are deterministic for a seed, so replicas are interchangeable. In front of the engine sits a
 * model of LiteLLM: a hop that only delays, and optionally proxy work for which requests queue on
 * a few workers, which is what a gateway's batching saves. {@link io.qgate.bench.sim.SimCommand}
 * runs one from the command line.
 */
package io.qgate.bench.sim;
