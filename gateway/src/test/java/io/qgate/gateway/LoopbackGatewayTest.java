package io.qgate.gateway;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.AfterEach;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Gateways and scriptable stub replicas on loopback, closed after each test: the shared set-up of
 * the proxy tests.
 */
abstract class LoopbackGatewayTest {

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** Closes {@code resource} after the test, before what was opened earlier. */
    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    StubReplica stub() {
        StubReplica stub = new StubReplica();
        resources.add(stub);
        return stub;
    }

    Gateway gateway(String endpoints, String... settings) {
        return gateway(System::nanoTime, endpoints, settings);
    }

    /** A gateway whose one clock is {@code clock}. */
    Gateway gateway(LongSupplier clock, String endpoints, String... settings) {
        Map<String, String> config = new HashMap<>();
        config.put("server.host", "127.0.0.1");
        config.put("server.port", "0");
        config.put("admin.port", "0");
        config.put("endpoints", endpoints);
        config.put("shutdown.delay", "0s");
        // The stubs serve no engine metrics; scraping has its own test.
        config.put("scrape.enabled", "false");
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        GatewayConfig parsed = GatewayConfig.of(config);
        Gateway gateway = Gateway.start(parsed, Gateway::source, clock);
        resources.add(gateway);
        return gateway;
    }

    HttpResponse<String> post(Gateway gateway, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("content-type", "application/json")
                .header("authorization", "Bearer sk-test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST whose answer comes later; it gives up after 20 s. */
    CompletableFuture<HttpResponse<String>> postAsync(Gateway gateway, String path, String body,
                                                      String authorization) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .header("authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one series, such as {@code qgate_pool_demand{pool="default"}}, on the admin port. */
    double metric(Gateway gateway, String series) throws Exception {
        for (String line : get(gateway.adminPort(), "/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series);
    }

    static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
