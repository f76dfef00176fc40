package io.qgate.gateway;

import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A whole gateway on real sockets whose one clock is a fake the test moves: a replica's
 * ten-minute first-byte timeout passes in a moment, because the gateway reads no other clock
 * for it.
 */
class GatewayClockTest extends LoopbackGatewayTest {

    private final AtomicLong now = new AtomicLong(System.nanoTime());

    @Test
    void theFirstByteTimeoutRunsOnTheGatewaysClock() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.hang());
        Gateway gateway = gateway(now::get, replica.url(), "upstream.first-byte-timeout", "10m");

        CompletableFuture<HttpResponse<String>> response = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.received().size() == 1);
        Thread.sleep(300);
        assertThat(response).as("the clock has not moved").isNotDone();

        now.addAndGet(TimeUnit.MINUTES.toNanos(10));

        assertThat(response.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.openConnections() == 0);
    }
}
