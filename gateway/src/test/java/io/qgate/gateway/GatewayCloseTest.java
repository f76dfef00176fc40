package io.qgate.gateway;

import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A gateway closed while requests are open (relayed alone, waiting in a batch, riding in a
 * batched call) must end each at once and release every request buffer; the suite's leak check
 * fails this class otherwise. Stopping the event loops alone used to leave client connections
 * open and their requests held.
 */
class GatewayCloseTest extends LoopbackGatewayTest {

    private final OpenAiStub openAi = new OpenAiStub();

    private CompletableFuture<HttpResponse<String>> embed(Gateway gateway, String input) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/embeddings"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"" + input + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void closingWithAPlainRequestInFlightLeaksNothing() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = gateway(replica.url(), "batching.routes", "");
        CompletableFuture<HttpResponse<String>> held = embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);

        gateway.close();

        held.handle((r, e) -> null).get(20, TimeUnit.SECONDS);
    }

    @Test
    void closingWithABatchInFlightAndOthersWaitingLeaksNothing() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = gateway(replica.url(), "server.io-threads", "1", "batching.max-items", "2",
                "batching.max-wait", "10m");
        embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);
        // A full batch of two that the replica holds, then one request waiting for company.
        List<CompletableFuture<HttpResponse<String>>> requests = List.of(embed(gateway, "hold"), embed(gateway, "x"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 2);
        CompletableFuture<HttpResponse<String>> waiting = embed(gateway, "y");
        await().atMost(10, TimeUnit.SECONDS).until(() -> gateway.metrics().inflight() == 4);

        gateway.close();

        CompletableFuture.allOf(requests.get(0), requests.get(1), waiting).handle((r, e) -> null)
                .get(20, TimeUnit.SECONDS);
    }
}
