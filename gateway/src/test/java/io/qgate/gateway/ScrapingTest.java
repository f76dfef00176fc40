package io.qgate.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The gateway reading its replicas' engine metrics, against stubs serving a current vLLM exposition. */
class ScrapingTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** Current vLLM with two engines: routing's fixture, which the pom adds to the test resources. */
    private static String fixture() throws IOException {
        try (InputStream in = ScrapingTest.class.getResourceAsStream("/fixtures/vllm-v1-two-engines.txt")) {
            assertThat(in).as("routing's fixtures on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private StubReplica replicaServingMetrics(String metrics) {
        StubReplica stub = new StubReplica().respondWith((ctx, req, s) -> {
            if (req.uri().equals("/metrics")) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(metrics, StandardCharsets.UTF_8));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                ctx.writeAndFlush(response);
            } else {
                StubReplica.json("{\"ok\":true}").respond(ctx, req, s);
            }
        });
        resources.add(stub);
        return stub;
    }

    private Gateway gateway(String endpoints) {
        Gateway gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints, "shutdown.delay", "0s",
                "scrape.interval", "50ms", "scrape.timeout", "40ms")));
        resources.add(gateway);
        return gateway;
    }

    private static EndpointLoad load(Gateway gateway, int port) {
        return gateway.router().load(Endpoint.of("127.0.0.1", port));
    }

    @Test
    void readsTheEngineQueueOfEveryReplica() throws Exception {
        StubReplica replica = replicaServingMetrics(fixture());
        Gateway gateway = gateway(replica.url());

        await().atMost(Duration.ofSeconds(5)).until(() -> load(gateway, replica.port()).fresh(System.nanoTime(),
                Duration.ofSeconds(1).toNanos()));
        EndpointLoad load = load(gateway, replica.port());
        long now = System.nanoTime();
        long stale = Duration.ofSeconds(1).toNanos();
        assertThat(load.scrapedWaiting(now, stale)).isEqualTo(13);
        assertThat(load.scrapedRunning(now, stale)).isEqualTo(79);
        assertThat(load.kvCacheUsage(now, stale)).isCloseTo((0.625 + 0.75) / 2, within(1e-9));
        assertThat(load.models()).containsExactly("Qwen/Qwen3-8B");

        HttpClient http = HttpClient.newHttpClient();
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .contains("qgate_endpoint_queue_length{endpoint=\"127.0.0.1:" + replica.port() + "\",pool=\"default\"} 13.0")
                .contains("qgate_endpoint_running{endpoint=\"127.0.0.1:" + replica.port() + "\",pool=\"default\"} 79.0")
                .contains("qgate_pool_queue_length{pool=\"default\"} 13.0");
        String debug = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/debug/endpoints")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(debug).contains("\"waiting\":13").contains("\"running\":79").contains("\"fresh\":true")
                .contains("\"state\":\"ready\"");
    }

    @Test
    void aReplicaThatDoesNotAnswerItsMetricsDelaysNoOtherAndKeepsServing() throws Exception {
        StubReplica healthy = replicaServingMetrics(fixture());
        StubReplica silent = new StubReplica().respondWith((ctx, req, s) -> {
            if (!req.uri().equals("/metrics")) {
                StubReplica.json("{\"ok\":true}").respond(ctx, req, s);
            }
        });
        resources.add(silent);
        Gateway gateway = gateway(healthy.url() + "," + silent.url());

        await().atMost(Duration.ofSeconds(5)).until(() -> load(gateway, silent.port()).lastScrapeFailed());
        // Over a second of scrapes while the other replica never answers one.
        Thread.sleep(1_000);
        assertThat(load(gateway, healthy.port()).scrapeAgeNanos(System.nanoTime()))
                .isLessThan(Duration.ofMillis(500).toNanos());
        assertThat(load(gateway, silent.port()).fresh(System.nanoTime(), Duration.ofSeconds(1).toNanos())).isFalse();

        // The silent replica still takes requests: a failed scrape is not a dead replica.
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 6; i++) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(silent.received().stream().filter(r -> r.uri().equals("/v1/models"))).isNotEmpty();
    }
}
