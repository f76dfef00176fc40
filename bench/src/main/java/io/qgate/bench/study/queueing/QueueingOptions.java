package io.qgate.bench.study.queueing;

import io.qgate.bench.study.routing.ScenarioOptions;
import io.qgate.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the queueing scenario.
 *
 * @param saturated        the small fleet of the tenants and priorities parts
 * @param lateBinding      the routing bench's fleet, for the late-binding part
 * @param overload         the two tenants' load together, a multiple of the small fleet's capacity
 * @param lateBindingLoads the loads of the late-binding part, fractions of its fleet's capacity
 * @param engineQueue      the gateways' {@code admission.engine-queue} where the queue is held, or
 *                         {@link GatewayConfig.Saturation#AUTO}
 * @param peerGateways     gateways, peers of one another, that also hold the late-binding part's
 *                         queue together (1: that run is left out)
 * @param out              where {@code results.json} and {@code report.md} go
 */
public record QueueingOptions(ScenarioOptions saturated, ScenarioOptions lateBinding, double overload,
                              List<Double> lateBindingLoads, int engineQueue, int peerGateways, Path out) {

    /** The {@code admission.engine-queue} setting. */
    String engineQueueSetting() {
        return engineQueue == GatewayConfig.Saturation.AUTO ? "auto" : Integer.toString(engineQueue);
    }

    public QueueingOptions {
        requireNonNull(saturated, "saturated");
        requireNonNull(lateBinding, "lateBinding");
        lateBindingLoads = List.copyOf(lateBindingLoads);
        requireNonNull(out, "out");
        if (engineQueue < 0 && engineQueue != GatewayConfig.Saturation.AUTO) {
            throw new IllegalArgumentException("--engine-queue " + engineQueue + " (expected: auto, or >= 0)");
        }
        if (peerGateways < 1) {
            throw new IllegalArgumentException("--gateways " + peerGateways + " (expected: >= 1)");
        }
        if (!(overload > 0) || Double.isInfinite(overload)) {
            throw new IllegalArgumentException("--overload " + overload + " (expected: > 0)");
        }
    }
}
