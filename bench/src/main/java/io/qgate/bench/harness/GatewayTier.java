package io.qgate.bench.harness;

import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several gateway instances in front of the same fleet, as behind a Kubernetes Service: each sees
 * only its own share of the traffic, and the rest only through the engines' metrics.
 */
public final class GatewayTier implements RoutingTier {

    private static final long READY_TIMEOUT_MILLIS = 10_000;

    private final List<Gateway> gateways;

    private GatewayTier(List<Gateway> gateways) {
        this.gateways = List.copyOf(gateways);
    }

    public static GatewayTier start(int count, Map<String, String> settings) {
        return start(java.util.Collections.nCopies(count, settings));
    }

    /** One gateway per entry, each with its own settings (peers each listen on a port of their own). */
    public static GatewayTier start(List<Map<String, String>> settings) {
        List<Gateway> started = new ArrayList<>();
        try {
            for (Map<String, String> one : settings) {
                started.add(Gateway.start(GatewayConfig.of(one)));
            }
            GatewayTier tier = new GatewayTier(started);
            tier.awaitReady();
            return tier;
        } catch (RuntimeException e) {
            started.forEach(Gateway::close);
            throw e;
        }
    }

    /** The gateways, in the order of {@link #urls()}. */
    public List<Gateway> gateways() {
        return gateways;
    }

    @Override
    public List<String> urls() {
        return gateways.stream().map(gateway -> "http://127.0.0.1:" + gateway.port()).toList();
    }

    /** Where each gateway's admin port ({@code /metrics}) listens. */
    public List<String> adminUrls() {
        return gateways.stream().map(gateway -> "http://127.0.0.1:" + gateway.adminPort()).toList();
    }

    /**
     * The picker the gateways actually built, as they name it. The report shows it next to the
     * configured strategy, so that a gateway that does not (yet) implement a strategy is plain to see.
     */
    @Override
    public String picker() {
        return String.join(",", gateways.stream().map(gateway -> gateway.router().strategy().name()).distinct().toList());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000;
        while (!gateways.stream().allMatch(Gateway::ready)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gateways not ready after " + READY_TIMEOUT_MILLIS + " ms");
            }
            Sleep.millis(10);
        }
    }

    @Override
    public void close() {
        gateways.forEach(Gateway::close);
    }
}
