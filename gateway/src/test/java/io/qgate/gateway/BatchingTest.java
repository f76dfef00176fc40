package io.qgate.gateway;

import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micro-batching end to end: requests of several clients share one upstream call, and each
 * client gets exactly what it would have got alone. To make batches form deterministically the
 * gateway runs one event loop (batches form per loop), the one replica is kept busy by a request
 * it holds (so nothing is sent at once for want of an idle replica), the wait budget is long,
 * and the item limit equals the items the test sends: the batch leaves when the last one joins.
 */
class BatchingTest extends LoopbackGatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OpenAiStub openAi = new OpenAiStub();

    private Gateway batchingGateway(StubReplica replica, int maxItems, String... more) {
        List<String> settings = new ArrayList<>(List.of("server.io-threads", "1",
                "batching.max-items", Integer.toString(maxItems), "batching.max-wait", "10m"));
        settings.addAll(List.of(more));
        return gateway(replica.url(), settings.toArray(new String[0]));
    }

    private CompletableFuture<HttpResponse<String>> embed(Gateway gateway, String inputJson) {
        return postAsync(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":" + inputJson + "}", "Bearer sk-a");
    }

    /** Sends a request the replica holds, so that it counts as busy until {@link OpenAiStub#releaseHeld}. */
    private CompletableFuture<HttpResponse<String>> occupy(Gateway gateway) {
        CompletableFuture<HttpResponse<String>> held = embed(gateway, "\"hold\"");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);
        return held;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static List<HttpResponse<String>> all(List<CompletableFuture<HttpResponse<String>>> futures) {
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private List<StubReplica.RecordedRequest> calls(StubReplica replica, String path) {
        return replica.received().stream().filter(r -> r.uri().equals(path)).toList();
    }

    @Test
    void embeddingsOfSeveralClientsShareOneCallAndEachGetsItsOwnItems() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 4);
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                embed(gateway, "\"a\""), embed(gateway, "[\"bb\",\"ccc\"]"), embed(gateway, "\"dddd\"")));

        List<StubReplica.RecordedRequest> calls = calls(replica, "/v1/embeddings");
        assertThat(calls).hasSize(2); // the held one and the batch
        JsonNode batchInput = JSON.readTree(calls.get(1).body()).path("input");
        assertThat(batchInput.size()).isEqualTo(4);
        assertThat(calls.get(1).headers().get("authorization")).isEqualTo("Bearer sk-a");

        String[][] expected = {{"a"}, {"bb", "ccc"}, {"dddd"}};
        for (int c = 0; c < answers.size(); c++) {
            HttpResponse<String> answer = answers.get(c);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(answer.headers().firstValue("x-qgate-batch-size")).hasValue("3");
            assertThat(answer.headers().firstValue("x-litellm-response-cost")).isEmpty();
            JsonNode body = json(answer);
            assertThat(body.path("object").asString()).isEqualTo("list");
            assertThat(body.path("model").asString()).isEqualTo("m");
            JsonNode data = body.path("data");
            assertThat(data.size()).isEqualTo(expected[c].length);
            int tokens = 0;
            for (int i = 0; i < expected[c].length; i++) {
                JsonNode item = findIndex(data, i);
                assertThat(item.path("embedding").get(0).asInt()).isEqualTo(expected[c][i].length());
                assertThat(item.path("embedding").get(1).asInt()).isEqualTo(expected[c][i].charAt(0));
                tokens += expected[c][i].length();
            }
            // One token per character in the stub; the gateway's estimate rounds each text up to
            // whole 4-character tokens, so the apportioned share is close to, not always equal to, it.
            assertThat(body.path("usage").path("prompt_tokens").asInt()).isBetween(tokens - 2, tokens + 2);
        }
        int promptTokens = answers.stream().mapToInt(a -> json(a).path("usage").path("prompt_tokens").asInt()).sum();
        assertThat(promptTokens).isEqualTo(10); // the batch's usage, shared out exactly

        assertThat(metric(gateway, "qgate_batched_requests_total{route=\"embeddings\"}")).isEqualTo(3);
        assertThat(metric(gateway, "qgate_batch_upstream_calls_saved_total{route=\"embeddings\"}")).isEqualTo(2);
        openAi.releaseHeld();
        assertThat(held.join().statusCode()).isEqualTo(200);
    }

    private static JsonNode findIndex(JsonNode items, int index) {
        for (JsonNode item : items) {
            if (item.path("index").asInt() == index) {
                return item;
            }
        }
        throw new AssertionError("no item with index " + index + " in " + items);
    }

    @Test
    void completionsShareOneCallWithOwnIdsAndApportionedUsage() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 2);
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"one\",\"max_tokens\":5}",
                        "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":[\"three\"],\"max_tokens\":5}",
                        "Bearer sk-a")));

        assertThat(calls(replica, "/v1/completions")).hasSize(1);
        JsonNode first = json(answers.get(0));
        JsonNode second = json(answers.get(1));
        assertThat(first.path("choices").get(0).path("text").asString()).isEqualTo("echo:one");
        assertThat(second.path("choices").get(0).path("text").asString()).isEqualTo("echo:three");
        assertThat(first.path("choices").get(0).path("index").asInt()).isZero();
        assertThat(second.path("choices").get(0).path("index").asInt()).isZero();
        assertThat(first.path("object").asString()).isEqualTo("text_completion");
        assertThat(first.path("id").asString()).isNotEqualTo(second.path("id").asString()).startsWith("cmpl-stub");
        // completion_tokens follow each client's text: "echo:one" 8, "echo:three" 10.
        assertThat(first.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
        assertThat(second.path("usage").path("completion_tokens").asInt()).isEqualTo(10);
        for (JsonNode answer : List.of(first, second)) {
            JsonNode usage = answer.path("usage");
            assertThat(usage.path("total_tokens").asInt())
                    .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
        }
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void aBadInputFailsOnlyItsOwnRequest() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 3);
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                embed(gateway, "\"good\""), embed(gateway, "\"bad\""), embed(gateway, "\"fine\"")));

        assertThat(answers.get(0).statusCode()).isEqualTo(200);
        assertThat(answers.get(2).statusCode()).isEqualTo(200);
        assertThat(json(answers.get(0)).path("data").get(0).path("embedding").get(0).asInt()).isEqualTo(4);
        assertThat(answers.get(1).statusCode()).isEqualTo(400);
        assertThat(json(answers.get(1)).path("error").path("code").asString()).isEqualTo("bad_input");
        // The batch, then each request alone: nobody answered twice or lost.
        assertThat(calls(replica, "/v1/embeddings")).hasSize(1 + 1 + 3);
        assertThat(metric(gateway, "qgate_batch_fallbacks_total{route=\"embeddings\"}")).isEqualTo(1);
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void aFailedBatchIsRetriedOneByOneAndEveryClientIsAnswered() throws Exception {
        StubReplica replica = stub().respondWith(openAi.failBatches(true));
        Gateway gateway = batchingGateway(replica, 3, "ejection.consecutive-failures", "0");
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                embed(gateway, "\"x\""), embed(gateway, "\"yy\""), embed(gateway, "\"zzz\"")));

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).statusCode()).isEqualTo(200);
            assertThat(json(answers.get(i)).path("data").get(0).path("embedding").get(0).asInt()).isEqualTo(i + 1);
            assertThat(answers.get(i).headers().firstValue("x-qgate-batch-size")).isEmpty();
        }
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void requestsOfDifferentCallersNeverShareACall() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 2, "batching.max-wait", "300ms");
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                postAsync(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"p\"}", "Bearer sk-a"),
                postAsync(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"q\"}", "Bearer sk-b"),
                postAsync(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"r\",\"user\":\"u2\"}",
                        "Bearer sk-a")));

        assertThat(answers).allMatch(a -> a.statusCode() == 200);
        List<StubReplica.RecordedRequest> calls = calls(replica, "/v1/embeddings");
        assertThat(calls).hasSize(4); // held + one call per caller
        assertThat(calls.subList(1, 4)).allMatch(c -> JSON.readTree(c.body()).path("input").isString());
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void aLoneRequestLeavesWithoutWaitingForTheWindow() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        // A ten-minute window: were the request held for company, the client's 20 s timeout would fire.
        Gateway gateway = batchingGateway(replica, 32);

        HttpResponse<String> answer = embed(gateway, "\"alone\"").join();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer).path("data").get(0).path("embedding").get(0).asInt()).isEqualTo(5);
        assertThat(metric(gateway, "qgate_batch_size_count{route=\"embeddings\"}")).isEqualTo(1);
        assertThat(metric(gateway, "qgate_batch_size_sum{route=\"embeddings\"}")).isEqualTo(1);
    }

    @Test
    void streamsAndRoutesSwitchedOffAreNeverBatched() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 2, "batching.routes", "completions",
                "batching.max-wait", "300ms");
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(embed(gateway, "\"e1\""), embed(gateway, "\"e2\"")));

        assertThat(answers).allMatch(a -> a.statusCode() == 200);
        assertThat(calls(replica, "/v1/embeddings")).hasSize(3);
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void completionsWithoutASmallMaxTokensAreNeverBatched() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 2, "batching.max-wait", "300ms");
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        List<HttpResponse<String>> answers = all(List.of(
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"a\",\"max_tokens\":500}",
                        "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"b\",\"max_tokens\":500}",
                        "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"c\"}", "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"d\"}", "Bearer sk-a")));

        assertThat(answers).allMatch(a -> a.statusCode() == 200);
        assertThat(calls(replica, "/v1/completions")).hasSize(4);
        openAi.releaseHeld();
        held.join();
    }

    @Test
    void aClientThatLeavesWhileWaitingLeavesTheOthersTheirAnswers() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = batchingGateway(replica, 3, "batching.max-wait", "2s");
        CompletableFuture<HttpResponse<String>> held = occupy(gateway);

        CompletableFuture<HttpResponse<String>> leaving = embed(gateway, "\"gone\"");
        CompletableFuture<HttpResponse<String>> staying = embed(gateway, "\"here\"");
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, "qgate_inflight_requests{pool=\"default\"}") == 3);
        leaving.cancel(true);

        HttpResponse<String> answer = staying.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer).path("data").get(0).path("embedding").get(1).asInt()).isEqualTo('h');
        openAi.releaseHeld();
        held.join();
    }
}
