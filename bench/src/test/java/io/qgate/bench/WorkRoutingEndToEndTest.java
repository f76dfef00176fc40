package io.qgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The work strategy end to end: a gateway in front of three simulated replicas, one of which
 * holds a tenant's long context in its prefix cache after serving it once. The tenant's next
 * questions go there, where the context costs no prefill, while other requests spread.
 */
class WorkRoutingEndToEndTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    /** About 2,000 tokens of a tenant's shared context. */
    private static final String CONTEXT = "Tenant 7 handbook, section after section of policy. ".repeat(150);

    private final List<SimServer> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        replicas.forEach(SimServer::close);
    }

    @Test
    void aTenantsQuestionsGoToTheReplicaHoldingItsContext() throws Exception {
        StringJoiner endpoints = new StringJoiner(",");
        for (int i = 0; i < 3; i++) {
            SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.timeScale = 0.05;
                o.seed = 1;
            }));
            replicas.add(replica);
            endpoints.add("http://127.0.0.1:" + replica.port());
        }
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                "routing.strategy", "work", "scrape.interval", "100ms")));

        // The first question warms one replica's cache, whichever the gateway picks.
        assertThat(chat(CONTEXT + "Question 0?", true)).isEqualTo(200);
        SimServer holder = replicas.stream().filter(r -> r.prefixCacheQueryTokens() > 0).findFirst().orElseThrow();
        for (int i = 1; i <= 10; i++) {
            assertThat(chat(CONTEXT + "Question " + i + "?", i % 2 == 0)).isEqualTo(200);
            assertThat(chat("A short unrelated chat " + i + ".", true)).isEqualTo(200);
        }

        // Every later question found the context cached on the holder; no other replica prefilled it.
        long contextTokens = CONTEXT.length() / 4;
        assertThat(holder.prefixCacheHitTokens()).isGreaterThanOrEqualTo(10 * (contextTokens - 64));
        for (SimServer other : replicas) {
            if (other != holder) {
                assertThat(other.prefixCacheQueryTokens()).as("prompt tokens looked up elsewhere")
                        .isLessThan(contextTokens);
            }
        }
    }

    private int chat(String content, boolean stream) throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_tokens\":8" + (stream ? ",\"stream\":true" : "") + "}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
