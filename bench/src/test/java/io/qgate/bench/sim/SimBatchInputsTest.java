package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a batching gateway sends a replica and relies on in the answer: every input form of
 * embeddings, prompt arrays of completions, and whole-request refusals it must isolate.
 */
class SimBatchInputsTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private static SimServer server;
    private static SimClient client;

    @BeforeAll
    static void start() {
        // Some proxy work and a modelled hop, so that refusals take the same path as answers.
        server = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0.02;
            o.proxyCpuMs = 5;
            o.embeddingDim = 16;
        }));
        client = new SimClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void embeddingsAcceptEveryInputForm() {
        JsonNode string = embeddings("\"alpha beta\"");
        JsonNode strings = embeddings("[\"alpha beta\",\"gamma\",\"delta epsilon zeta\"]");
        JsonNode tokens = embeddings("[101,102,103]");
        JsonNode tokenArrays = embeddings("[[101,102,103],[7],[8,9]]");

        assertList(string, 1);
        assertList(strings, 3);
        assertList(tokens, 1);
        assertList(tokenArrays, 3);
        assertThat(string.get("usage").get("prompt_tokens").asInt()).isEqualTo(3); // 10 characters
        assertThat(tokens.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(tokenArrays.get("usage").get("prompt_tokens").asInt()).isEqualTo(6);
        // An input has the same vector alone and inside an array, wherever it sits.
        assertThat(strings.get("data").get(0).get("embedding")).isEqualTo(string.get("data").get(0).get("embedding"));
        assertThat(tokenArrays.get("data").get(0).get("embedding"))
                .isEqualTo(tokens.get("data").get(0).get("embedding"));
        assertThat(strings.get("data").get(1).get("embedding"))
                .isEqualTo(embeddings("\"gamma\"").get("data").get(0).get("embedding"))
                .isNotEqualTo(strings.get("data").get(2).get("embedding"));
    }

    @Test
    void embeddingsUsageIsTheSumOfTheInputsAlone() {
        String[] inputs = {"one", "a somewhat longer input of text", "x".repeat(41)};
        int sum = 0;
        for (String input : inputs) {
            sum += embeddings("\"" + input + "\"").get("usage").get("prompt_tokens").asInt();
        }
        JsonNode all = embeddings("[\"" + String.join("\",\"", inputs) + "\"]");

        assertThat(all.get("usage").get("prompt_tokens").asInt()).isEqualTo(sum);
        assertThat(all.get("usage").get("total_tokens").asInt()).isEqualTo(sum);
    }

    @Test
    void completionPromptArraysGetOneChoicePerPromptWithSummedUsage() {
        String[] prompts = {"Once upon a time", "The capital of France is", "List three colours:"};
        int promptTokens = 0;
        String[] alone = new String[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            JsonNode one = completion("\"" + prompts[i] + "\"", 4);
            promptTokens += one.get("usage").get("prompt_tokens").asInt();
            alone[i] = one.get("choices").get(0).get("text").asString();
        }

        JsonNode all = completion("[\"" + String.join("\",\"", prompts) + "\"]", 4);

        assertThat(all.get("object").asString()).isEqualTo("text_completion");
        assertThat(all.get("model").asString()).isEqualTo(MODEL);
        assertThat(all.get("id").asString()).startsWith("cmpl-");
        JsonNode choices = all.get("choices");
        assertThat(choices.size()).isEqualTo(prompts.length);
        for (int i = 0; i < prompts.length; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(choices.get(i).get("text").asString()).isEqualTo(alone[i]);
        }
        JsonNode usage = all.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(4 * prompts.length);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(promptTokens + 4 * prompts.length);
    }

    @Test
    void oneMarkedInputRefusesTheWholeRequest() {
        assertRefused(postEmbeddings("[\"fine\",\"please qgate-sim-reject this\",\"also fine\"]"),
                "input[1]", "input");
        assertRefused(postEmbeddings("\"qgate-sim-reject\""), "input", "input");
        assertRefused(post("/v1/completions", "{\"model\":\"" + MODEL
                + "\",\"prompt\":[\"fine\",\"qgate-sim-reject\"],\"max_tokens\":3}"), "prompt[1]", "prompt");
        // The same inputs without the marker are answered.
        assertList(embeddings("[\"fine\",\"please this\",\"also fine\"]"), 3);
    }

    @Test
    void anEmptyStringRefusesTheWholeRequest() {
        assertRefused(postEmbeddings("\"\""), "input", "input");
        assertRefused(postEmbeddings("[\"fine\",\"\"]"), "input[1]", "input");
        assertRefused(post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"\",\"max_tokens\":3}"),
                "prompt", "prompt");
    }

    @Test
    void arraysMixingStringsAndTokenArraysAreRefusedAsVllmDoes() {
        assertRefused(postEmbeddings("[\"text\",[1,2,3]]"), "mixing", "input");
        assertRefused(postEmbeddings("[[1,2,3],\"text\"]"), "mixing", "input");
        assertRefused(post("/v1/completions", "{\"model\":\"" + MODEL
                + "\",\"prompt\":[[1,2],\"text\"],\"max_tokens\":3}"), "mixing", "prompt");
        assertRefused(postEmbeddings("[\"text\",7]"), "expected", "input");
    }

    @Test
    void everyApiRequestIsCountedOnceWhateverItCarries() {
        long before = server.apiRequests();

        embeddings("[\"a\",\"b\",\"c\",\"d\"]");
        completion("\"hello\"", 2);
        postEmbeddings("\"qgate-sim-reject\"");
        client.get("/v1/models");
        client.get("/health");

        assertThat(server.apiRequests() - before).isEqualTo(3);
    }

    private static JsonNode embeddings(String input) {
        return client.postJson("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":" + input + "}");
    }

    private static HttpResponse<String> postEmbeddings(String input) {
        return post("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":" + input + "}");
    }

    private static JsonNode completion(String prompt, int maxTokens) {
        return client.postJson("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":" + prompt
                + ",\"max_tokens\":" + maxTokens + "}");
    }

    private static HttpResponse<String> post(String path, String json) {
        return client.post(path, json);
    }

    private static void assertList(JsonNode body, int items) {
        assertThat(body.get("object").asString()).isEqualTo("list");
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        JsonNode data = body.get("data");
        assertThat(data.size()).isEqualTo(items);
        for (int i = 0; i < items; i++) {
            assertThat(data.get(i).get("object").asString()).isEqualTo("embedding");
            assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).get("embedding").size()).isEqualTo(16);
        }
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt());
    }

    private static void assertRefused(HttpResponse<String> response, String messagePart, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = OpenAiJson.MAPPER.readTree(response.body()).get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asString()).contains(messagePart);
        assertThat(error.get("param").asString()).isEqualTo(param);
    }
}
