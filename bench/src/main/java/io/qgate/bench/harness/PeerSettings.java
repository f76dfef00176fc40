package io.qgate.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The settings of gateways that are one another's peers on loopback: each its own UDP port, all
 * of them listed to each (its own messages are ignored), one fresh secret.
 */
public final class PeerSettings {

    private PeerSettings() {}

    /**
     * {@code settings} for each of {@code gateways} peers that report every {@code interval} of
     * wall-clock time.
     */
    public static List<Map<String, String>> each(Map<String, String> settings, int gateways, Duration interval) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < gateways; i++) {
            ports.add(freeUdpPort());
        }
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        String endpoints = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        List<Map<String, String>> each = new ArrayList<>();
        for (int port : ports) {
            Map<String, String> one = new LinkedHashMap<>(settings);
            one.put("peers.endpoints", endpoints);
            one.put("peers.port", Integer.toString(port));
            one.put("peers.secret", secret);
            one.put("peers.interval", Math.max(1, interval.toNanos() / 1000) / 1000.0 + "ms");
            each.add(one);
        }
        return each;
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
