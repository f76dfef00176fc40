package io.qgate.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.Endpoint;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two gateways on loopback, each told the other's peers port, in front of one replica. */
class PeersEndToEndTest {

    private static final String SECRET = "end-to-end test key, 16+ bytes";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void closeAll() throws Exception {
        held.forEach(Runnable::run);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** A replica that answers only when the test lets it: its requests stay open until then. */
    private StubReplica holdingReplica() {
        StubReplica stub = new StubReplica().respondWith((ctx, req, s) -> held.add(() -> ctx.executor().execute(() -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("{\"ok\":true}", StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        })));
        resources.add(stub);
        return stub;
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> config(String replica, Map<String, String> peers) {
        Map<String, String> values = new HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", replica, "shutdown.delay", "0s", "scrape.enabled", "false"));
        values.putAll(peers);
        return values;
    }

    private Gateway gateway(Map<String, String> values) {
        Gateway gateway = Gateway.start(GatewayConfig.of(values));
        resources.add(gateway);
        return gateway;
    }

    private CompletableFuture<HttpResponse<String>> chat(Gateway gateway) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private String metrics(Gateway gateway) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double estimate(Gateway gateway, Endpoint replica) {
        return gateway.router().load(replica).estimatedLoad(gateway.router().nowNanos(), Long.MAX_VALUE, true);
    }

    @Test
    void eachGatewayCountsWhatTheOtherHasOpenOnTheReplica() throws Exception {
        StubReplica replica = holdingReplica();
        Endpoint endpoint = Endpoint.of("127.0.0.1", replica.port());
        int portA = freeUdpPort();
        int portB = freeUdpPort();
        Gateway a = gateway(config(replica.url(), Map.of("peers.endpoints", "127.0.0.1:" + portB,
                "peers.port", String.valueOf(portA), "peers.secret", SECRET)));
        Gateway b = gateway(config(replica.url(), Map.of("peers.endpoints", "127.0.0.1:" + portA,
                "peers.port", String.valueOf(portB), "peers.secret", SECRET)));

        List<CompletableFuture<HttpResponse<String>>> answers = List.of(chat(a), chat(a), chat(a));
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> estimate(b, endpoint) == 3);
        assertThat(b.router().inflight(endpoint)).isZero();
        assertThat(metrics(b)).contains("qgate_peers_live 1.0")
                .containsPattern("qgate_peer_messages_total\\{result=\"accepted\"} [1-9]")
                .contains("qgate_peer_messages_total{result=\"forged\"} 0.0")
                .containsPattern("qgate_peers_unseen_requests\\{pool=\"[^\"]+\"} [0-9.]+");

        held.forEach(Runnable::run);
        held.clear();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> estimate(b, endpoint) == 0);
        assertThat(estimate(a, endpoint)).isZero();
    }

    @Test
    void whatArrivesOnThePeersPortFromAStrangerIsDroppedAndCounted() throws Exception {
        int port = freeUdpPort();
        Gateway gateway = gateway(config(holdingReplica().url(), Map.of("peers.endpoints", "127.0.0.1:" + freeUdpPort(),
                "peers.port", String.valueOf(port), "peers.secret", SECRET)));
        byte[] oversized = new byte[5000];
        byte[] forged = new byte[200];
        // The magic and version of a peer message, then nothing a key holder wrote.
        forged[0] = 0x71;
        forged[1] = 0x67;
        forged[2] = 0x70;
        forged[3] = 0x01;
        byte[] garbage = "not a peer message".getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] datagram : List.of(oversized, forged, garbage)) {
                socket.send(new java.net.DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                        port));
            }
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics(gateway))
                .contains("qgate_peer_messages_total{result=\"oversized\"} 1.0")
                .contains("qgate_peer_messages_total{result=\"forged\"} 1.0")
                .contains("qgate_peer_messages_total{result=\"malformed\"} 1.0")
                .contains("qgate_peer_messages_total{result=\"accepted\"} 0.0")
                .contains("qgate_peers_live 0.0"));
    }

    @Test
    void withoutPeersThereIsNoPeerMetric() throws Exception {
        Gateway gateway = gateway(config(holdingReplica().url(), Map.of()));

        assertThat(metrics(gateway)).doesNotContain("qgate_peer");
    }

    @Test
    void peersWithoutAKeyStopTheStartWithAPlainMessage() {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("peers.endpoints", "10.0.0.2:9091")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no shared key").hasMessageContaining("peers.secret");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("peers.kubernetes.service", "qgate-peers",
                "peers.secret", "short")).peers().key())
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("peers.endpoints", "10.0.0.2", "peers.secret", SECRET)))
                .hasMessage("peers.endpoints: 10.0.0.2 (expected: host:port, the peer's peers.port)");
    }

    @Test
    void theKeyIsNeverPrinted() {
        GatewayConfig config = GatewayConfig.of(Map.of("peers.endpoints", "10.0.0.2:9091", "peers.secret", SECRET));

        assertThat(config.toString()).doesNotContain(SECRET);
        assertThat(config.peers().port(9090)).isEqualTo(9091);
    }
}
