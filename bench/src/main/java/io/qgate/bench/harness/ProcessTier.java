package io.qgate.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several gateways in front of the same fleet, each a JVM of its own ({@link GatewayProcess}):
 * what a Deployment's pods are, down to their own heaps, clocks and event loops, which gateways
 * in one JVM share.
 */
public final class ProcessTier implements RoutingTier {

    /** Keys {@link GatewayProcess#start} sets itself. */
    private static final List<String> SET_BY_LAUNCHER = List.of("endpoints", "server.host", "server.port",
            "admin.port", "server.io-threads", "shutdown.delay");

    private final List<GatewayProcess> gateways;
    private final String strategy;

    private ProcessTier(List<GatewayProcess> gateways, String strategy) {
        this.gateways = List.copyOf(gateways);
        this.strategy = strategy;
    }

    /** One child JVM per entry, each with its own settings, returned once every one is ready; logs in a temporary folder. */
    public static ProcessTier start(List<Map<String, String>> settings) {
        Path logs;
        try {
            logs = Files.createTempDirectory("qgate-gateways");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<GatewayProcess> started = new ArrayList<>();
        try {
            for (Map<String, String> one : settings) {
                Map<String, String> rest = new LinkedHashMap<>(one);
                SET_BY_LAUNCHER.forEach(rest::remove);
                int ioThreads = Integer.parseInt(one.getOrDefault("server.io-threads", "1"));
                started.add(GatewayProcess.start(one.get("endpoints"), ioThreads, Cpus.ALL, List.of("-Xmx256m"), rest,
                        logs.resolve("gateway-" + started.size() + ".log")));
            }
            return new ProcessTier(started, settings.isEmpty() ? "" : settings.get(0).get("routing.strategy"));
        } catch (RuntimeException e) {
            started.forEach(GatewayProcess::close);
            throw e;
        }
    }

    @Override
    public List<String> urls() {
        return gateways.stream().map(GatewayProcess::url).toList();
    }

    /** The configured strategy: a child's router is not in reach from here. */
    @Override
    public String picker() {
        return strategy;
    }

    /**
     * Each gateway's {@code qgate_peer_messages_total} samples, one line per result, prefixed by
     * the gateway's index: that peers heard each other across processes.
     */
    public List<String> peerMessages() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            for (String line : gateways.get(i).metrics().split("\n")) {
                if (line.startsWith("qgate_peer_messages_total")) {
                    lines.add(i + ": " + line);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        gateways.forEach(GatewayProcess::close);
    }
}
