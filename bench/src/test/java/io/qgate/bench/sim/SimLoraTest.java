package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qgate.routing.metrics.EngineMetrics;
import io.qgate.routing.metrics.EngineMetricsParser;
import io.qgate.routing.metrics.EngineProfile;
import io.qgate.routing.metrics.LoraAdapters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** LoRA adapters served as models: one slot, an adapter held back while another runs, and /metrics saying so as vLLM does. */
class SimLoraTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    @Test
    void aSecondAdapterWaitsForTheOnlySlotAndTheMetricsSayWhichRunsAndWhichWaits() {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.port = 0;
            o.loraModules = List.of("sql", "chat", "code");
            o.maxLoras = 1;
        });
        try (SimServer server = SimServer.start(options)) {
            SimClient client = new SimClient(server.port());
            JsonNode answer = client.postJson("/v1/chat/completions", request("sql", 3));
            assertThat(answer.path("choices")).hasSize(1);
            assertThat(server.loraLoads()).as("sql was loaded for its first request").isEqualTo(1);

            JsonNode listed = OpenAiJson.MAPPER.readTree(client.get("/v1/models").body()).path("data");
            assertThat(listed).hasSize(4);
            assertThat(listed.get(1).path("id").asString()).isEqualTo("sql");
            assertThat(listed.get(1).path("parent").asString()).isEqualTo(MODEL);
            assertThat(client.post("/v1/chat/completions", request("nope", 3)).statusCode()).isEqualTo(404);

            List<RawHttp> open = new ArrayList<>();
            try {
                // Far longer than the test: nothing finishes while it looks. One at a time, so the order is known.
                send(open, server, "chat");
                await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 1);
                send(open, server, "code");
                await().atMost(Duration.ofSeconds(10)).until(() -> server.waiting() == 1);
                send(open, server, MODEL);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 2);
                assertThat(server.waiting()).as("code waits for chat's slot; the base model needs none").isEqualTo(1);

                String text = server.metricsText();
                assertThat(text).contains("vllm:lora_requests_info{engine=\"0\",max_lora=\"1\","
                                + "running_lora_adapters=\"chat\",waiting_lora_adapters=\"code\"}")
                        .contains("vllm:lora_adapter_loads_total{engine=\"0\",model_name=\"" + MODEL + "\"} 2.0");
                EngineMetrics read = new EngineMetricsParser(EngineProfile.VLLM).parse(text);
                assertThat(read.lora()).as("the latest of the label sets")
                        .isEqualTo(new LoraAdapters(Set.of("chat", "code"), Set.of("chat"), 1, 2, true));
                assertThat(read.lora().room()).isFalse();
                assertThat(server.loraLoads()).as("sql, then chat in its place; code not yet").isEqualTo(2);
            } finally {
                open.forEach(RawHttp::close);
            }
        }
    }

    private static void send(List<RawHttp> open, SimServer server, String model) {
        RawHttp raw = new RawHttp(server.port());
        open.add(raw);
        raw.write(RawHttp.post("/v1/chat/completions", request(model, 2000)));
    }

    private static String request(String model, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
                + "\"max_tokens\":" + maxTokens + "}";
    }
}
