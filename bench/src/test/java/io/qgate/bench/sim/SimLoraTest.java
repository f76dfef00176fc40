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

/** LoRA adapters served as models: one slot, each new adapter loaded into it, and /metrics saying so as vLLM does. */
class SimLoraTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    @Test
    void eachNewAdapterIsLoadedIntoTheOnlySlotAndTheMetricsSayWhichRun() {
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
                await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 2);
                send(open, server, MODEL);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 3);
                assertThat(server.waiting()).as("a missing adapter is loaded, not waited for").isZero();

                String text = server.metricsText();
                // chat runs on, but its adapter was swapped out for code's: only code holds the slot.
                assertThat(text).contains("vllm:lora_requests_info{engine=\"0\",max_lora=\"1\","
                                + "running_lora_adapters=\"code\",waiting_lora_adapters=\"\"}")
                        .contains("vllm:lora_adapter_loads_total{engine=\"0\",model_name=\"" + MODEL + "\"} 3.0");
                EngineMetrics read = new EngineMetricsParser(EngineProfile.VLLM).parse(text);
                assertThat(read.lora()).as("the latest of the label sets")
                        .isEqualTo(new LoraAdapters(Set.of("code"), 1, 1));
                assertThat(read.lora().room()).isFalse();
                assertThat(server.loraLoads()).as("sql, then chat in its place, then code in chat's").isEqualTo(3);
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
