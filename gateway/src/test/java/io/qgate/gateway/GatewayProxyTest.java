package io.qgate.gateway;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.qgate.testing.RawHttpConnection;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy core on real loopback sockets, against scriptable stub replicas: the paths that work. */
class GatewayProxyTest extends LoopbackGatewayTest {

    @Test
    void relaysRequestAndResponseWithForwardingHeaders() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.echoHeaders());
        Gateway gateway = gateway(replica.url());

        HttpResponse<String> response = post(gateway, "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body())
                .contains("\"authorization\":\"Bearer sk-test\"")
                .contains("\"x-forwarded-for\":\"127.0.0.1\"")
                .contains("\"x-forwarded-proto\":\"http\"")
                .contains("\"host\":\"127.0.0.1:" + replica.port() + "\"");
        assertThat(replica.received().get(0).body()).contains("\"messages\"");
    }

    @Test
    void hopByHopAndInternalHeadersAreNotForwarded() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.echoHeaders());
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response response = connection.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
                    + "X-Qgate-Route: 10.0.0.1\r\nX-Custom: kept\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"x-custom\":\"kept\"")
                    .doesNotContain("x-secret-hop").doesNotContain("keep-alive").doesNotContain("x-qgate");
        }
    }

    @Test
    void streamsServerSentEventsAsTheyAreProduced() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(5, 150));
        Gateway gateway = gateway(replica.url());

        HttpResponse<java.io.InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> events = new ArrayList<>();
        long firstEventNanos = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    if (events.isEmpty()) {
                        firstEventNanos = System.nanoTime();
                    }
                    events.add(line.substring(6));
                }
            }
        }

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
        // The first event reached the client before the replica had produced the last one.
        assertThat(firstEventNanos).isLessThan((Long) replica.notes().get("lastEventSentNanos"));
    }

    @Test
    void aSlowClientSlowsTheReplicaInsteadOfFillingTheGatewaysMemory() throws Exception {
        long total = 64L << 20;
        StubReplica replica = stub().respondWith(StubReplica.bulkStream(total, 16 * 1024));
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection slow = new RawHttpConnection(gateway.port(), 32 * 1024)) {
            slow.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 15\r\n\r\n{\"stream\":true}");
            byte[] buffer = new byte[8192];
            long read = 0;
            while (read < (1 << 20)) {
                read += slow.input().read(buffer);
            }
            Thread.sleep(1500);
            long sentByReplica = replica.bytesWritten();

            // Without backpressure the gateway would have read all 64 MiB by now. With it, only what
            // fits in the socket buffers and the gateway's 64 KiB write buffer is ahead of the client.
            assertThat(sentByReplica - read).isLessThan(16L << 20);
            assertThat(sentByReplica).isLessThan(total);
        }
    }

    @Test
    void bodyOverTheLimitGives413AndTheGatewayKeepsServing() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.max-body-size", "1KiB");

        HttpResponse<String> tooLarge = post(gateway, "/v1/embeddings",
                "{\"model\":\"m\",\"input\":\"" + "x".repeat(2000) + "\"}");

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("\"code\":\"request_too_large\"");
        assertThat(replica.received()).isEmpty();
        assertThat(post(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void expectContinueIsAnsweredAndAnOversizedExpectGets413Json() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.max-body-size", "1KiB");

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 13\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(100);
            RawHttpConnection.Response ok = connection.send("{\"input\":\"x\"}").read();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(replica.received().get(0).headers().contains("expect")).isFalse();

            RawHttpConnection.Response tooLarge = connection.send("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 5000\r\n\r\n").read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("\"code\":\"request_too_large\"");
        }
    }

    @Test
    void malformedJsonUnknownPathAndWrongMethodAreRejectedWithOpenAiErrors() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url());

        HttpResponse<String> badJson = post(gateway, "/v1/chat/completions", "{\"model\": \"m\",");
        HttpResponse<String> notAnObject = post(gateway, "/v1/chat/completions", "[1,2]");
        HttpResponse<String> unknown = get(gateway.port(), "/admin/secret");
        HttpResponse<String> wrongMethod = get(gateway.port(), "/v1/chat/completions");

        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("\"type\":\"invalid_request_error\"").contains("\"code\":\"invalid_json\"");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"not_found\"");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
        assertThat(replica.received()).isEmpty();
    }

    @Test
    void malformedHttpGets400AndClose() throws Exception {
        Gateway gateway = gateway(stub().url());

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response response = connection.send("GARBAGE\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).contains("\"error\"");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void overLongHeadersGet431() throws Exception {
        Gateway gateway = gateway(stub().url(), "server.max-header-size", "2KiB");

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            RawHttpConnection.Response response = connection.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "a".repeat(4096) + "\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(431);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        StubReplica replica = stub().respondWith((ctx, req, stub) -> {
            // The first request is answered last, so only ordering in the gateway keeps it first.
            long delay = req.uri().contains("first") ? 300 : 0;
            ctx.executor().schedule(() -> StubReplica.json("{\"uri\":\"" + req.uri() + "\"}").respond(ctx, req, stub),
                    delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
        Gateway gateway = gateway(replica.url());

        try (RawHttpConnection connection = new RawHttpConnection(gateway.port())) {
            connection.send("GET /v1/models/first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/models/second HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/models/third HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(connection.read().body()).contains("first");
            assertThat(connection.read().body()).contains("second");
            assertThat(connection.read().status()).isEqualTo(404);
            assertThat(connection.read().body()).contains("third");
        }
    }

    @Test
    void keepAliveConnectionsToTheReplicaAreReused() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url(), "server.io-threads", "1");

        for (int i = 0; i < 20; i++) {
            assertThat(post(gateway, "/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(200);
        }

        assertThat(replica.received()).hasSize(20);
        assertThat(replica.openConnections() + replica.closedConnections()).isEqualTo(1);
    }

    @Test
    void aReplicaErrorPassesThroughUnchanged() throws Exception {
        String litellmError = "{\"error\":{\"message\":\"budget exceeded\",\"type\":\"budget_exceeded\",\"code\":\"400\"}}";
        StubReplica replica = stub().respondWith(StubReplica.status(HttpResponseStatus.BAD_REQUEST, litellmError));
        Gateway gateway = gateway(replica.url());

        HttpResponse<String> response = post(gateway, "/v1/chat/completions", "{\"model\":\"m\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(litellmError);
    }

    @Test
    void adminPortServesHealthReadinessAndMetrics() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url());
        // A model name is a label value once a replica has answered it: the first is "other".
        post(gateway, "/v1/chat/completions", "{\"model\":\"llama\"}");
        post(gateway, "/v1/chat/completions", "{\"model\":\"llama\"}");

        assertThat(get(gateway.adminPort(), "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(200);
        String metrics = get(gateway.adminPort(), "/metrics").body();
        assertThat(metrics)
                .contains("qgate_requests_received_total{model=\"other\",pool=\"default\",route=\"chat\"} 1")
                .contains("qgate_requests_received_total{model=\"llama\",pool=\"default\",route=\"chat\"} 1")
                .contains("qgate_requests_total{code=\"200\",model=\"llama\",pool=\"default\",route=\"chat\"} 1")
                .contains("qgate_request_duration_seconds_bucket{model=\"llama\",pool=\"default\",route=\"chat\",le=\"0.01\"}")
                .contains("qgate_request_duration_seconds_bucket{model=\"llama\",pool=\"default\",route=\"chat\",le=\"60.0\"}")
                .contains("qgate_time_to_first_byte_seconds_count{model=\"llama\",pool=\"default\",route=\"chat\"} 1")
                .contains("qgate_inflight_requests{pool=\"default\"} 0")
                .contains("qgate_pool_ready_endpoints{pool=\"default\"} 1")
                .contains("qgate_request_rate{pool=\"default\"} ")
                .contains("qgate_request_latency_average_seconds{pool=\"default\"} ");
        String scaling = get(gateway.adminPort(), "/scaling").body();
        assertThat(scaling).contains("\"readyReplicas\":1").contains("\"inflight\":0")
                .contains("\"poolQueueLength\":0").containsPattern("\"requestRate\":[0-9.]+")
                .containsPattern("\"averageLatencySeconds\":0\\.[0-9]+");
    }
}
