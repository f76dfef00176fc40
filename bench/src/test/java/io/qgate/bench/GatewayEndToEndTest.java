package io.qgate.bench;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway in front of three simulated LiteLLM + vLLM replicas, all on loopback. */
class GatewayEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MODEL = SimOptions.defaults().model();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<SimServer> replicas = new ArrayList<>();
    private static Gateway gateway;

    private record Event(String data, long arrivedNanos) {}

    @BeforeAll
    static void startFleet() {
        StringJoiner endpoints = new StringJoiner(",");
        for (int i = 0; i < 3; i++) {
            // One seed for all: the same request gets the same answer on any replica.
            SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.seed = 7;
                o.timeScale = 0.5;
            }));
            replicas.add(replica);
            endpoints.add("http://127.0.0.1:" + replica.port());
        }
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s")));
    }

    @AfterAll
    static void stopFleet() {
        if (gateway != null) {
            gateway.close();
        }
        replicas.forEach(SimServer::close);
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode postJson(int port, String path, String body) throws Exception {
        HttpResponse<String> response = post(port, path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<Event> stream(int port, String path, String body) throws Exception {
        HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<Event> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            lines.filter(line -> line.startsWith("data: "))
                    .forEach(line -> events.add(new Event(line.substring(6), System.nanoTime())));
        }
        return events;
    }

    private static String content(List<Event> events) {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            if (!event.data().equals("[DONE]")) {
                JsonNode delta = JSON.readTree(event.data()).path("choices").path(0).path("delta");
                text.append(delta.path("content").asString(""));
            }
        }
        return text.toString();
    }

    private static String chat(String prompt, int maxTokens, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Test
    void chatCompletion() throws Exception {
        JsonNode answer = postJson(gateway.port(), "/v1/chat/completions", chat("Hello there", 12, false));

        assertThat(answer.path("object").asString()).isEqualTo("chat.completion");
        assertThat(answer.path("model").asString()).isEqualTo(MODEL);
        assertThat(answer.path("choices").path(0).path("message").path("content").asString()).isNotBlank();
        assertThat(answer.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void streamedChatArrivesChunkByChunkAndMatchesADirectCall() throws Exception {
        String request = chat("Tell me a story about a gateway", 60, true);

        List<Event> viaGateway = stream(gateway.port(), "/v1/chat/completions", request);
        List<Event> direct = stream(replicas.get(0).port(), "/v1/chat/completions", request);

        assertThat(viaGateway.size()).isGreaterThan(10);
        assertThat(viaGateway.get(viaGateway.size() - 1).data()).isEqualTo("[DONE]");
        // 60 tokens at ~3.75 ms each (time scale 0.5): the first token event reaches the client
        // long before the last one has been generated.
        long spreadNanos = viaGateway.get(viaGateway.size() - 2).arrivedNanos() - viaGateway.get(1).arrivedNanos();
        assertThat(spreadNanos).isGreaterThan(Duration.ofMillis(80).toNanos());
        assertThat(content(viaGateway)).isNotEmpty().isEqualTo(content(direct));
    }

    @Test
    void completionsWithAPromptArray() throws Exception {
        JsonNode answer = postJson(gateway.port(), "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":[\"one\",\"two\"],\"max_tokens\":5}");

        assertThat(answer.path("object").asString()).isEqualTo("text_completion");
        assertThat(answer.path("choices")).hasSize(2);
        assertThat(answer.path("choices").path(1).path("index").asInt()).isEqualTo(1);
    }

    @Test
    void embeddingsAreTheSameThroughTheGatewayAsDirect() throws Exception {
        String request = "{\"model\":\"" + MODEL + "\",\"input\":[\"hello\",\"world\"]}";

        JsonNode viaGateway = postJson(gateway.port(), "/v1/embeddings", request);
        JsonNode direct = postJson(replicas.get(2).port(), "/v1/embeddings", request);

        assertThat(viaGateway.path("data")).hasSize(2);
        assertThat(viaGateway.path("data")).isEqualTo(direct.path("data"));
    }

    @Test
    void modelsAreListed() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("data").path(0).path("id").asString()).isEqualTo(MODEL);
    }

    @Test
    void requestsAreSpreadOverEveryReplica() throws Exception {
        for (int i = 0; i < 9; i++) {
            postJson(gateway.port(), "/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"spread " + i + "\"}");
        }
        for (SimServer replica : replicas) {
            assertThat(replica.metricsText()).containsPattern("vllm:request_success_total\\{[^}]*} [1-9]");
        }
    }

    @Test
    void aReplicaErrorPassesThroughUnchanged() throws Exception {
        HttpResponse<String> viaGateway = post(gateway.port(), "/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[]}");
        HttpResponse<String> direct = post(replicas.get(0).port(), "/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[]}");

        assertThat(viaGateway.statusCode()).isEqualTo(direct.statusCode()).isEqualTo(404);
        assertThat(viaGateway.body()).isEqualTo(direct.body());
    }
}
