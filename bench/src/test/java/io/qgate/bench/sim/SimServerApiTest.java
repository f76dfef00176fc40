package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAI API as clients see it, over real sockets, in fast modelled time. */
class SimServerApiTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    private static final double TIME_SCALE = 0.05;

    private static SimServer server;
    private static SimClient client;

    @BeforeAll
    static void start() {
        server = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = TIME_SCALE;
            o.seed = 7;
            o.embeddingDim = 64;
        }));
        client = new SimClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void chatCompletionHasOpenAiShapeAndUsage() {
        JsonNode body = client.postJson("/v1/chat/completions", chat("Hello there", "\"max_tokens\":12"));

        assertThat(body.get("id").asString()).startsWith("chatcmpl-");
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isPositive();
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asString()).isNotBlank();
        assertThat(choice.get("finish_reason").asString()).isEqualTo("length");
        JsonNode usage = body.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(12);
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void withoutMaxTokensTheLengthIsDrawnAndTheAnswerStops() {
        JsonNode body = client.postJson("/v1/chat/completions", chat("Tell me something", ""));

        assertThat(body.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
        assertThat(body.get("usage").get("completion_tokens").asInt()).isBetween(1, 2048);
    }

    @Test
    void completionWithPromptArrayAnswersEachPromptInOrder() {
        String request = "{\"model\":\"" + MODEL + "\",\"prompt\":[\"first prompt\",\"second, longer prompt\","
                + "\"third\"],\"max_tokens\":5}";
        JsonNode body = client.postJson("/v1/completions", request);

        assertThat(body.get("id").asString()).startsWith("cmpl-");
        assertThat(body.get("object").asString()).isEqualTo("text_completion");
        JsonNode choices = body.get("choices");
        assertThat(choices.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(choices.get(i).get("text").asString()).isNotBlank();
            assertThat(choices.get(i).get("finish_reason").asString()).isEqualTo("length");
        }
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(15);

        // Each prompt is its own sequence: alone, it gets the same answer as inside the batch.
        JsonNode alone = client.postJson("/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"second, longer prompt\",\"max_tokens\":5}");
        assertThat(alone.get("choices").get(0).get("text").asString())
                .isEqualTo(choices.get(1).get("text").asString());
    }

    @Test
    void streamedChatArrivesTokenByTokenAndMatchesTheNonStreamedAnswer() {
        int maxTokens = 200;
        String plain = chat("Stream me a story", "\"max_tokens\":" + maxTokens);
        String streamed = chat("Stream me a story", "\"max_tokens\":" + maxTokens
                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");

        List<SimClient.Event> events = client.stream("/v1/chat/completions", streamed);

        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<SimClient.Event> json = events.subList(0, events.size() - 1);
        JsonNode first = parse(json.get(0));
        assertThat(first.get("object").asString()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asString()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        long firstTokenAt = 0;
        long lastTokenAt = 0;
        String finishReason = null;
        JsonNode usage = null;
        for (SimClient.Event event : json) {
            JsonNode chunk = parse(event);
            assertThat(chunk.get("id").asString()).isEqualTo(first.get("id").asString());
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            JsonNode piece = choice.get("delta").get("content");
            if (piece != null && !piece.asString().isEmpty()) {
                content.append(piece.asString());
                firstTokenAt = firstTokenAt == 0 ? event.arrivedNanos() : firstTokenAt;
                lastTokenAt = event.arrivedNanos();
            }
            if (!choice.get("finish_reason").isNull()) {
                finishReason = choice.get("finish_reason").asString();
            }
        }
        assertThat(finishReason).isEqualTo("length");
        assertThat(usage).isNotNull();
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(maxTokens);
        // One event per token, and they are spread over the decode: the first arrived at least
        // half the modelled decode time (a lower bound that a slow machine only makes longer)
        // before the last.
        long modelledDecodeNanos = (long) ((maxTokens - 1) * 7.5 * TIME_SCALE * 1_000_000);
        assertThat(json).hasSizeGreaterThanOrEqualTo(maxTokens + 2);
        assertThat(lastTokenAt - firstTokenAt).isGreaterThan(modelledDecodeNanos / 2);

        JsonNode whole = client.postJson("/v1/chat/completions", plain);
        assertThat(content.toString())
                .isEqualTo(whole.get("choices").get(0).get("message").get("content").asString());
    }

    @Test
    void streamedCompletionEndsWithFinishReasonAndDone() {
        List<SimClient.Event> events = client.stream("/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"stream\":true}");

        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        JsonNode last = parse(events.get(events.size() - 2));
        assertThat(last.get("object").asString()).isEqualTo("text_completion");
        assertThat(last.get("choices").get(0).get("finish_reason").asString()).isEqualTo("length");
        assertThat(events).hasSize(8 + 2);
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsOfTheConfiguredDimension() {
        JsonNode one = client.postJson("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"hello world\"}");
        JsonNode many = client.postJson("/v1/embeddings",
                "{\"model\":\"" + MODEL + "\",\"input\":[\"other text\",\"hello world\"]}");
        JsonNode tokens = client.postJson("/v1/embeddings",
                "{\"model\":\"" + MODEL + "\",\"input\":[[1,2,3],[4,5]]}");

        assertThat(one.get("object").asString()).isEqualTo("list");
        assertThat(one.get("model").asString()).isEqualTo(MODEL);
        assertThat(one.get("usage").get("prompt_tokens").asInt()).isPositive();
        assertThat(one.get("usage").get("total_tokens").asInt()).isEqualTo(one.get("usage").get("prompt_tokens").asInt());
        JsonNode data = many.get("data");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.get(1).get("object").asString()).isEqualTo("embedding");
        assertThat(data.get(1).get("index").asInt()).isEqualTo(1);
        float[] alone = vector(one.get("data").get(0));
        assertThat(alone).hasSize(64);
        assertThat(norm(alone)).isCloseTo(1.0, within(1e-4));
        assertThat(vector(data.get(1))).containsExactly(alone);
        assertThat(vector(data.get(0))).isNotEqualTo(alone);
        assertThat(tokens.get("data").size()).isEqualTo(2);
        assertThat(tokens.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void modelsAndHealth() {
        JsonNode models = OpenAiJson.MAPPER.readTree(client.get("/v1/models").body());
        assertThat(models.get("object").asString()).isEqualTo("list");
        JsonNode model = models.get("data").get(0);
        assertThat(model.get("id").asString()).isEqualTo(MODEL);
        assertThat(model.get("object").asString()).isEqualTo("model");
        assertThat(model.get("owned_by").asString()).isEqualTo("qgate-sim");
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void errorsAreOpenAiShaped() {
        assertError(client.post("/v1/chat/completions", "{not json"), 400, null);
        assertError(client.post("/v1/chat/completions", "{\"model\":\"" + MODEL + "\"}"), 400, null);
        assertError(client.post("/v1/completions", "{\"prompt\":\"no model\"}"), 400, null);
        assertError(client.post("/v1/chat/completions", chat("hi", "\"max_tokens\":0")), 400, null);
        assertError(client.post("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":[]}"), 400, null);
        assertError(client.post("/v1/nothing-here", "{}"), 404, "not_found");
        assertError(client.get("/v1/chat/completions"), 405, "method_not_allowed");
        assertThat(client.get("/v1/chat/completions").headers().firstValue("allow")).hasValue("POST");
        assertError(client.post("/v1/chat/completions",
                "{\"model\":\"gpt-nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                404, "model_not_found");
        // The connection survives errors: keep-alive still answers.
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsImitateVllm() {
        client.postJson("/v1/chat/completions", chat("Count me", "\"max_tokens\":3"));

        HttpResponse<String> response = client.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        String labels = "{engine=\"0\",model_name=\"" + MODEL + "\"}";
        assertThat(response.body())
                .contains("# TYPE vllm:num_requests_waiting gauge\n")
                .contains("vllm:num_requests_waiting" + labels + " 0.0\n")
                .contains("vllm:num_requests_running" + labels + " ")
                .contains("vllm:kv_cache_usage_perc" + labels + " ")
                .contains("# TYPE vllm:time_to_first_token_seconds histogram\n")
                .contains("vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"+Inf\",model_name=\"" + MODEL + "\"}")
                .contains("vllm:e2e_request_latency_seconds_count" + labels)
                .contains("vllm:e2e_request_latency_seconds_sum" + labels)
                .contains("vllm:request_success_total{engine=\"0\",finished_reason=\"length\",model_name=\"" + MODEL + "\"}")
                .contains("vllm:prompt_tokens_total" + labels)
                .contains("vllm:generation_tokens_total" + labels)
                .contains("vllm:prefix_cache_queries_total" + labels)
                .contains("vllm:prefix_cache_hits_total" + labels)
                .contains("vllm:inter_token_latency_seconds_count" + labels)
                .contains("vllm:num_preemptions_total" + labels + " 0.0\n")
                .doesNotContain("DCGM_");
    }

    @Test
    void repeatedLongPromptHitsThePrefixCache() {
        String longPrompt = "You are a careful assistant. ".repeat(60);
        long hitsBefore = server.prefixCacheHitTokens();
        client.postJson("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + longPrompt
                + "first question\",\"max_tokens\":2}");
        long hitsAfterFirst = server.prefixCacheHitTokens();
        client.postJson("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + longPrompt
                + "second question\",\"max_tokens\":2}");
        long hitsOfSecond = server.prefixCacheHitTokens() - hitsAfterFirst;

        // Every full 64-character block of the shared prefix is a hit: 16 tokens apiece whose
        // prefill the second request skips.
        assertThat(hitsAfterFirst - hitsBefore).isZero();
        assertThat(hitsOfSecond).isEqualTo((long) (longPrompt.length() / 64) * 16);
    }

    @Test
    void sameRequestAndSeedGiveTheSameAnswerOnAnotherReplica() {
        String request = chat("Which replica am I talking to?", "\"max_tokens\":30");
        try (SimServer twin = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = TIME_SCALE;
            o.seed = 7;
        }));
             SimServer other = SimServer.start(SimOptions.defaults().with(o -> {
                 o.port = 0;
                 o.timeScale = TIME_SCALE;
                 o.seed = 8;
             }))) {
            String here = content(client.postJson("/v1/chat/completions", request));
            String there = content(new SimClient(twin.port()).postJson("/v1/chat/completions", request));
            String otherSeed = content(new SimClient(other.port()).postJson("/v1/chat/completions", request));

            assertThat(there).isEqualTo(here);
            assertThat(otherSeed).isNotEqualTo(here);
        }
    }

    private static String chat(String userText, String extra) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + userText + "\"}]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String content(JsonNode completion) {
        return completion.get("choices").get(0).get("message").get("content").asString();
    }

    private static JsonNode parse(SimClient.Event event) {
        return OpenAiJson.MAPPER.readTree(event.data());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = OpenAiJson.MAPPER.readTree(response.body()).get("error");
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        if (code != null) {
            assertThat(error.get("code").asString()).isEqualTo(code);
        }
    }

    private static float[] vector(JsonNode item) {
        JsonNode values = item.get("embedding");
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
