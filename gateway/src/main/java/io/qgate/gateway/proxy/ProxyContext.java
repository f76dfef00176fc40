package io.qgate.gateway.proxy;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.Router;

import java.util.function.BooleanSupplier;

/**
 * What every client connection shares: configuration, the router, admission control, the
 * upstream pools, the batchers and the metrics, and how much of each prompt is hashed for
 * prefix affinity. {@code draining} is true once shutdown began; responses then ask clients to close their
 * connection so they reconnect to another gateway.
 */
public record ProxyContext(GatewayConfig config, Router router, Admission admission, UpstreamPools pools,
                           Batchers batchers, GatewayMetrics metrics, BooleanSupplier draining,
                           RequestBodyInspector.PrefixLimits prefixLimits) {

    /** The gateway's one clock, the router's: tests move it instead of waiting. */
    long nowNanos() {
        return router.nowNanos();
    }
}
