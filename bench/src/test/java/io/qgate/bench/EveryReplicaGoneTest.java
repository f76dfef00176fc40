package io.qgate.bench;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every replica goes away at once while requests run in the engines and wait in their queues
 * (some of them batched): each client gets an answer (502, the replica failed) instead of
 * waiting for a timeout, and nothing stays open in the gateway.
 */
class EveryReplicaGoneTest {

    @Test
    void everyOpenRequestIsAnsweredWhenAllReplicasDie() throws Exception {
        List<SimServer> replicas = new ArrayList<>();
        StringJoiner endpoints = new StringJoiner(",");
        for (int i = 0; i < 3; i++) {
            long seed = 11 + i;
            SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.seed = seed;
                o.timeScale = 0.1;
                o.maxNumSeqs = 2;
            }));
            replicas.add(replica);
            endpoints.add("http://127.0.0.1:" + replica.port());
        }
        try (Gateway gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1",
                "server.port", "0", "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                "batching.max-completion-tokens", "100000",
                // Every request must be inside an engine when the replicas go, none held at the gateway.
                "admission.saturation", "false")))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> open = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                open.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                                + "/v1/completions"))
                        .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                                + "\",\"prompt\":\"hold " + i + "\",\"max_tokens\":20000}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    replicas.stream().mapToInt(r -> r.running() + r.waiting()).sum() == 11);

            replicas.forEach(SimServer::close);

            CompletableFuture.allOf(open.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            for (CompletableFuture<HttpResponse<String>> request : open) {
                assertThat(request.join().statusCode()).isEqualTo(502);
                assertThat(request.join().body()).contains("\"code\":\"upstream_failed\"");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metrics().inflight() == 0);
        } finally {
            replicas.forEach(SimServer::close);
        }
    }
}
