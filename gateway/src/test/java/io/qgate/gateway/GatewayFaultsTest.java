package io.qgate.gateway;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.qgate.testing.RawHttpConnection;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy core when something goes wrong: replicas down, busy, hanging or dying mid-stream,
 * clients leaving or stalling, and the gateway draining.
 */
class GatewayFaultsTest extends LoopbackGatewayTest {

    @Test
    void replicaDownGives502Json() throws Exception {
        Gateway gateway = gateway("http://127.0.0.1:" + closedPort());

        HttpResponse<String> response = post(gateway, "/v1/chat/completions", "{\"model\":\"m\"}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"type\":\"api_error\"").contains("\"code\":\"upstream_failed\"");
    }

    @Test
    void aDownReplicaIsSkippedForAnotherOne() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway("http://127.0.0.1:" + closedPort() + "," + replica.url());

        for (int i = 0; i < 4; i++) {
            assertThat(post(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}").statusCode())
                    .isEqualTo(200);
        }
        assertThat(replica.received()).hasSize(4);
    }

    @Test
    void aBusyReplicaIsSkippedOnceForAnother() throws Exception {
        StubReplica busy = stub().respondWith(StubReplica.status(HttpResponseStatus.TOO_MANY_REQUESTS,
                "{\"error\":{\"message\":\"busy\"}}"));
        StubReplica free = stub();
        Gateway gateway = gateway(busy.url() + "," + free.url(), "routing.strategy", "round-robin");

        for (int i = 0; i < 4; i++) {
            assertThat(post(gateway, "/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(200);
        }
        // Every request answered by the free replica, whether it went to the busy one first or not.
        assertThat(free.received()).hasSize(4);
        assertThat(busy.received()).isNotEmpty();
    }

    @Test
    void aBusyAnswerIsRelayedWhenThereIsNoOtherReplica() throws Exception {
        StubReplica busy = stub().respondWith(StubReplica.status(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "{\"error\":{\"message\":\"loading\"}}"));
        Gateway gateway = gateway(busy.url());

        HttpResponse<String> response = post(gateway, "/v1/embeddings", "{\"input\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"error\":{\"message\":\"loading\"}}");
        assertThat(busy.received()).hasSize(1);
    }

    @Test
    void noReplicaGives503Json() throws Exception {
        Gateway gateway = gateway("");

        HttpResponse<String> response = post(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"code\":\"no_ready_replica\"");
        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(503);
    }

    @Test
    void aClientThatStopsInTheMiddleOfARequestGets408AndIsClosed() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.request-read-timeout", "300ms");

        try (RawHttpConnection slowHeaders = new RawHttpConnection(gateway.port());
             RawHttpConnection slowBody = new RawHttpConnection(gateway.port())) {
            slowHeaders.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
            slowBody.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\":");

            RawHttpConnection.Response headersTimedOut = slowHeaders.read();
            RawHttpConnection.Response bodyTimedOut = slowBody.read();

            assertThat(headersTimedOut.status()).isEqualTo(408);
            assertThat(headersTimedOut.body()).contains("\"code\":\"request_timeout\"");
            assertThat(bodyTimedOut.status()).isEqualTo(408);
            assertThat(slowHeaders.closedByServer()).isTrue();
            assertThat(slowBody.closedByServer()).isTrue();
        }
        assertThat(replica.received()).isEmpty();
    }

    @Test
    void aHeadThatTricklesInAByteAtATimeGets408ThoughItIsNeverSilent() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.request-head-timeout", "300ms");
        // Sixty bytes a tenth of a second apart: six seconds of head, never silent for the read timeout's 30 s.
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10) + "\r\n\r\n";

        try (RawHttpConnection slow = new RawHttpConnection(gateway.port())) {
            int sent = 0;
            while (sent < head.length() && slow.input().available() == 0) {
                try {
                    slow.send(head.substring(sent, sent + 1));
                } catch (java.io.IOException closed) {
                    break; // the gateway answered and closed while this byte was on its way
                }
                sent++;
                Thread.sleep(100);
            }
            RawHttpConnection.Response refused = slow.read();

            assertThat(sent).isLessThan(head.length());
            assertThat(refused.status()).isEqualTo(408);
            assertThat(refused.body()).contains("\"code\":\"request_timeout\"").contains("headers");
            assertThat(slow.closedByServer()).isTrue();
        }
        assertThat(replica.received()).isEmpty();
        // A head that arrives whole is never timed: the next client is served as usual.
        assertThat(post(gateway, "/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void slowHeadsPastTheirDeadlineTogetherAreEachAnswered408OnceAtTheRefusalRate() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.request-head-timeout", "300ms",
                "server.slow-head-refusals-per-second", "4");
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n";
        List<RawHttpConnection> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                slow.add(new RawHttpConnection(gateway.port()));
            }
            // A byte to each every tenth of a second, all on the same tick, until each is answered
            // (at four a second, six take well over a second) or its head is all sent.
            for (int sent = 0; sent < head.length(); sent++) {
                boolean waiting = false;
                for (RawHttpConnection connection : slow) {
                    if (connection.input().available() == 0) {
                        waiting = true;
                        try {
                            connection.send(head.substring(sent, sent + 1));
                        } catch (java.io.IOException closed) {
                            // answered and closed while this byte was on its way
                        }
                    }
                }
                if (!waiting) {
                    break;
                }
                Thread.sleep(100);
            }

            for (RawHttpConnection connection : slow) {
                RawHttpConnection.Response refused = connection.read();
                assertThat(refused.status()).isEqualTo(408);
                assertThat(refused.body()).contains("\"code\":\"request_timeout\"");
                assertThat(connection.closedByServer()).isTrue();
            }
        } finally {
            for (RawHttpConnection connection : slow) {
                connection.close();
            }
        }
        assertThat(replica.received()).isEmpty();
        assertThat(post(gateway, "/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void silenceBetweenRequestsIsNoReadTimeout() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.request-read-timeout", "200ms");

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            assertThat(connection.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            Thread.sleep(600);
            assertThat(connection.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void aHangingReplicaGives504AfterTheFirstByteTimeout() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.hang());
        Gateway gateway = gateway(replica.url(), "upstream.first-byte-timeout", "300ms");

        HttpResponse<String> response = post(gateway, "/v1/chat/completions", "{\"model\":\"m\"}");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("\"code\":\"upstream_timeout\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.openConnections() == 0);
    }

    @Test
    void aReplicaThatFallsSilentMidStreamIsCutOffAfterTheIdleTimeout() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(3, 5_000));
        Gateway gateway = gateway(replica.url(), "upstream.idle-timeout", "300ms");

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n{\"stream\":true}");
            String received = new String(connection.input().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(received).contains("\"index\":0").doesNotContain("\"index\":1")
                    .contains("event: error").contains("sent nothing");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.openConnections() == 0);
    }

    @Test
    void aClientThatLeavesMidStreamCancelsTheUpstreamRequest() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(1000, 20));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n{\"stream\":true}");
            connection.input().readNBytes(200);
            assertThat(replica.openConnections()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> replica.openConnections() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metrics().inflight() == 0);
        assertThat(gateway.router().inflight(gateway.router().snapshot().endpoints().get(0))).isZero();
    }

    @Test
    void aReplicaThatDiesMidStreamEndsTheClientStreamWithAnErrorEvent() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.closeMidStream());
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n{\"stream\":true}");
            String received = new String(connection.input().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(received).startsWith("HTTP/1.1 200").contains("data: {\"n\":2}")
                    .contains("event: error").contains("upstream_failed");
        }
    }

    @Test
    void gracefulShutdownTurnsReadinessOffAndLetsOpenStreamsFinish() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(10, 100));
        Gateway gateway = gateway(replica.url(), "shutdown.delay", "300ms", "shutdown.timeout", "10s");
        int adminPort = gateway.adminPort();

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n{\"stream\":true}");
            await().atMost(Duration.ofSeconds(2)).until(() -> replica.received().size() == 1);
            Thread drain = new Thread(gateway::shutdownGracefully);
            drain.start();
            await().atMost(Duration.ofSeconds(2)).until(() -> get(adminPort, "/readyz").statusCode() == 503);

            RawHttpConnection.Response rest = connection.read();
            assertThat(rest.body()).contains("[DONE]");
            // Draining: the connection is closed after the response so the client reconnects elsewhere.
            assertThat(connection.closedByServer()).isTrue();
            drain.join(10_000);
            assertThat(drain.isAlive()).isFalse();
        }
    }

    @Test
    void aClientThatFollowsReadinessSeesNoFailedRequestDuringADrain() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(5, 20));
        // The delay is what a load balancer needs to notice /readyz; 2 s is generous for these clients.
        Gateway gateway = gateway(replica.url(), "shutdown.delay", "2s", "shutdown.timeout", "10s");
        int adminPort = gateway.adminPort();
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean(true);
        // Four clients in a loop, each asking /readyz before every request, as a load balancer would.
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread client = new Thread(() -> {
                for (int i = 0; i < 2_000 && ready.get(); i++) {
                    try {
                        if (get(adminPort, "/readyz").statusCode() != 200) {
                            ready.set(false);
                            break;
                        }
                        HttpResponse<String> answer = post(gateway, "/v1/chat/completions",
                                "{\"model\":\"m\",\"stream\":true}");
                        if (answer.statusCode() != 200 || !answer.body().contains("[DONE]")) {
                            failures.add(answer.statusCode() + " " + answer.body());
                        }
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() >= 20);

        gateway.shutdownGracefully();

        for (Thread client : clients) {
            client.join(10_000);
        }
        assertThat(ready.get()).isFalse();
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isGreaterThanOrEqualTo(20);
    }
}
