/**
 * Reading the load of an inference engine (vLLM, SGLang) from its Prometheus {@code /metrics}
 * exposition.
 *
 * <p>The gateway scrapes every replica ten times a second, so {@link
 * io.qgate.routing.metrics.EngineMetricsParser} works on the raw bytes and only materialises what
 * it keeps. Input is untrusted: a malformed line is skipped, never thrown.
 */
package io.qgate.routing.metrics;
