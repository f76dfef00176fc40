package io.qgate.gateway;

import io.qgate.testing.RawHttpConnection;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica responses relayed as bytes: every framing a replica may use reaches HTTP/1.1 and
 * HTTP/1.0 clients correctly, answers to HEAD requests carry no body, the replica's connection
 * headers stay behind, and what is not HTTP becomes a 502.
 */
class ResponseRelayTest extends LoopbackGatewayTest {

    private static final String POST_11 = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    private static final String GET_MODELS = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void aBodyThatRunsUntilTheReplicaClosesReachesAnHttp11ClientInChunksOnAKeptConnection() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.raw(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, until the end", true));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response first = client.send(POST_11).read();
            RawHttpConnection.Response second = client.send(POST_11).read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers()).containsEntry("transfer-encoding", "chunked")
                    .containsEntry("content-type", "text/plain").doesNotContainKey("connection");
            assertThat(first.body()).isEqualTo("hello, until the end");
            assertThat(second.body()).isEqualTo("hello, until the end");
        }
        assertThat(replica.received()).hasSize(2);
    }

    @Test
    void anHttp10ClientGetsAChunkedStreamsDataUntilTheConnectionCloses() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(3, 0));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            client.send("POST /v1/chat/completions HTTP/1.0\r\nContent-Length: 15\r\n\r\n{\"stream\":true}");
            String received = new String(client.input().readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = received.substring(0, received.indexOf("\r\n\r\n"));
            String body = received.substring(received.indexOf("\r\n\r\n") + 4);

            assertThat(head).startsWith("HTTP/1.0 200 OK").containsIgnoringCase("content-type: text/event-stream")
                    .doesNotContainIgnoringCase("transfer-encoding").doesNotContainIgnoringCase("keep-alive");
            assertThat(body).startsWith("data: {\"index\":0,").contains("\"index\":2").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void theAnswerToAHeadRequestHasNoBodyAndTheConnectionGoesOn() throws Exception {
        StubReplica replica = stub().respondWith((ctx, req, stub) -> {
            String wire = req.method().name().equals("HEAD")
                    ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
            StubReplica.raw(wire, false).respond(ctx, req, stub);
        });
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response relayed = client.send("HEAD /v1/files/abc HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
            // The gateway's own answer to a HEAD request (models is GET only) has no body either.
            RawHttpConnection.Response refused = client.send("HEAD /v1/models HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
            RawHttpConnection.Response next = client.send("GET /v1/files/abc HTTP/1.1\r\nHost: x\r\n\r\n").read();

            assertThat(relayed.status()).isEqualTo(200);
            assertThat(relayed.headers()).containsEntry("content-length", "26");
            assertThat(refused.status()).isEqualTo(405);
            assertThat(Integer.parseInt(refused.headers().get("content-length"))).isPositive();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("ok");
        }
        assertThat(replica.received()).extracting(StubReplica.RecordedRequest::method).containsExactly("HEAD", "GET");
    }

    @Test
    void theReplicasConnectionHeadersStayBehindAndItsOwnHeadersPass() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.raw("HTTP/1.1 200 OK\r\n"
                + "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: secret\r\n"
                + "x-qgate-batch-size: 7\r\nx-litellm-model-id: abc\r\nContent-Length: 2\r\n\r\nok", false));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response response = client.send(POST_11).read();

            assertThat(response.headers()).containsEntry("x-litellm-model-id", "abc")
                    .doesNotContainKeys("connection", "keep-alive", "x-hop", "x-qgate-batch-size");
            assertThat(response.body()).isEqualTo("ok");
            assertThat(client.send(GET_MODELS).read().status()).isEqualTo(200);
        }
    }

    @Test
    void aChunkedBodyWithExtensionsAndTrailersIsRelayedWholeAndTheReplicasConnectionReused() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;note=x\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n", false));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            client.send(POST_11);
            String head = readUntil(client, "\r\n\r\n");
            String body = readUntil(client, "X-Checksum: 1\r\n\r\n");
            RawHttpConnection.Response next = client.send(POST_11).readHead();

            assertThat(head).containsIgnoringCase("transfer-encoding: chunked");
            assertThat(body).isEqualTo("5;note=x\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n");
            assertThat(next.status()).isEqualTo(200);
        }
        assertThat(replica.received()).hasSize(2);
        assertThat(replica.closedConnections()).isZero();
    }

    @Test
    void anAnswerThatIsNotHttpGives502AndTheGatewayGoesOn() throws Exception {
        StubReplica broken = stub().respondWith(StubReplica.raw("SSH-2.0-OpenSSH\r\n\r\n", false));
        Gateway gateway = gateway(broken.url(), "upstream.connect-attempts", "1");

        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response response = client.send(POST_11).read();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.body()).contains("\"code\":\"upstream_failed\"").contains("bad status line");
        }
        broken.respondWith(StubReplica.json("{\"ok\":true}"));
        try (RawHttpConnection client = new RawHttpConnection(gateway.port())) {
            assertThat(client.send(POST_11).read().body()).isEqualTo("{\"ok\":true}");
        }
    }

    /** Reads from the client until {@code end} has arrived; returns what was read. */
    private static String readUntil(RawHttpConnection client, String end) throws Exception {
        StringBuilder read = new StringBuilder();
        while (read.indexOf(end) < 0) {
            int c = client.input().read();
            if (c < 0) {
                break;
            }
            read.append((char) c);
        }
        return read.toString();
    }
}
