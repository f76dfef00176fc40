package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Time scale 0: the stub for measuring proxy overhead. Every modelled duration is set absurdly
 * long here, so any request that went through a timer would not come back within the test.
 */
class SimZeroTimeScaleTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private static SimServer server;
    private static SimClient client;

    @BeforeAll
    static void start() {
        server = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0;
            o.tpotMs = 3_600_000;
            o.prefillOverheadMs = 3_600_000;
            o.proxyOverheadMs = 3_600_000;
            o.proxyCpuMs = 3_600_000;
            o.embeddingMsPerItem = 3_600_000;
        }));
        client = new SimClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersWithoutTheEngine() {
        JsonNode chat = client.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"fast\"}],\"max_tokens\":64}");
        JsonNode embeddings = client.postJson("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":[\"x\",\"y\"]}");

        assertThat(chat.get("usage").get("completion_tokens").asInt()).isEqualTo(64);
        assertThat(embeddings.get("data").size()).isEqualTo(2);
        // Nothing entered the engine, yet the counters a scrape reads still moved.
        assertThat(server.prefixCacheQueryTokens()).isZero();
        assertThat(server.running()).isZero();
        assertThat(server.metricsText()).contains("vllm:generation_tokens_total");
    }

    @Test
    void streamsEveryEventAtOnceAndMatchesTheNonStreamedAnswer() {
        String request = "{\"model\":\"" + MODEL + "\",\"prompt\":[\"p0\",\"p1\"],\"max_tokens\":10";
        JsonNode whole = client.postJson("/v1/completions", request + "}");
        List<SimClient.Event> events = client.stream("/v1/completions",
                request + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
        JsonNode usage = null;
        for (SimClient.Event event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = OpenAiJson.MAPPER.readTree(event.data());
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
            } else {
                JsonNode choice = chunk.get("choices").get(0);
                texts[choice.get("index").asInt()].append(choice.get("text").asString());
            }
        }
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(20);
        for (int i = 0; i < 2; i++) {
            assertThat(texts[i].toString()).isEqualTo(whole.get("choices").get(i).get("text").asString());
        }
    }

    @Test
    void refusesAMarkedOrEmptyInputAtOnce() {
        var marked = client.post("/v1/embeddings", "{\"model\":\"" + MODEL
                + "\",\"input\":[\"ok\",\"qgate-sim-reject\"]}");
        var empty = client.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"\"}");

        assertThat(marked.statusCode()).isEqualTo(400);
        assertThat(marked.body()).contains("\"param\":\"input\"", "qgate-sim-reject");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("\"param\":\"prompt\"", "empty string");
        // The connection is still good.
        assertThat(client.postJson("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"ok\"}")
                .get("data").size()).isEqualTo(1);
    }

    @Test
    void keepsUpWithManyRequestsOnOneConnection() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"again\",\"max_tokens\":16}";
        String first = client.postJson("/v1/completions", body).get("choices").get(0).get("text").asString();
        for (int i = 0; i < 500; i++) {
            assertThat(client.post("/v1/completions", body).body()).contains(OpenAiJson.MAPPER.writeValueAsString(first));
        }
    }
}
