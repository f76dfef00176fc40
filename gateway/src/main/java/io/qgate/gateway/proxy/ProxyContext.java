package io.qgate.gateway.proxy;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.pool.ModelPools;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What every client connection shares: configuration, the model pools (each with its router,
 * admission control and batchers), the connections to replicas, the metrics, how much of each
 * prompt is hashed for prefix affinity, and the clock. {@code draining} is true once shutdown
 * began; responses then ask clients to close their connection so they reconnect to another gateway.
 */
public record ProxyContext(GatewayConfig config, ModelPools pools, UpstreamPools connections,
                           GatewayMetrics metrics, BooleanSupplier draining,
                           RequestBodyInspector.PrefixLimits prefixLimits, LongSupplier clock) {

    /** The gateway's one clock: tests move it instead of waiting. */
    long nowNanos() {
        return clock.getAsLong();
    }
}
