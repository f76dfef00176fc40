package io.qgate.routing.batch;

import io.qgate.routing.ApiRoute;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchTest {

    private static final Map<String, String> ALICE = Map.of("authorization", "Bearer alice", "content-type", "x");

    private static BatchableRequest embeddings(String json) {
        return BatchableRequest.of(ApiRoute.EMBEDDINGS, json.getBytes(StandardCharsets.UTF_8), ALICE);
    }

    private static BatchableRequest completion(String json) {
        return BatchableRequest.of(ApiRoute.COMPLETIONS, json.getBytes(StandardCharsets.UTF_8), ALICE);
    }

    private static JsonNode json(byte[] bytes) {
        return BatchableRequest.JSON.readTree(bytes);
    }

    @Test
    void whatCanBeBatched() {
        assertThat(embeddings("{\"model\":\"e\",\"input\":\"one\"}").items()).hasSize(1);
        assertThat(embeddings("{\"model\":\"e\",\"input\":[\"a\",\"b\"]}").items()).hasSize(2);
        assertThat(embeddings("{\"model\":\"e\",\"input\":[1,2,3]}").items()).hasSize(1);
        assertThat(embeddings("{\"model\":\"e\",\"input\":[[1,2],[3]]}").items()).hasSize(2);
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"max_tokens\":5,\"n\":1}")).isNotNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":[\"hi\"],\"echo\":false}")).isNotNull();
    }

    @Test
    void whatCannotBeSplitBackExactlyIsLeftAlone() {
        assertThat(embeddings("{\"model\":\"e\",\"input\":[\"a\",[1]]}")).isNull();
        assertThat(embeddings("{\"model\":\"e\",\"input\":[]}")).isNull();
        assertThat(embeddings("{\"input\":\"no model\"}")).isNull();
        assertThat(embeddings("not json")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"stream\":true}")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"n\":2}")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"echo\":true}")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"best_of\":3}")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":\"hi\",\"logprobs\":2}")).isNull();
        assertThat(completion("{\"model\":\"c\",\"prompt\":[\"a\",\"b\"]}")).isNull();
        assertThat(BatchableRequest.of(ApiRoute.CHAT, "{\"model\":\"c\"}".getBytes(StandardCharsets.UTF_8), ALICE))
                .isNull();
    }

    @Test
    void onlyTheSameParametersAndCallerShareAKey() {
        String key = embeddings("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":8,\"user\":\"u\"}").key();

        assertThat(embeddings("{\"user\":\"u\",\"dimensions\":8,\"input\":[\"y\",\"z\"],\"model\":\"e\"}").key())
                .isEqualTo(key);
        assertThat(embeddings("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":8,\"user\":\"v\"}").key())
                .isNotEqualTo(key);
        assertThat(embeddings("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":16,\"user\":\"u\"}").key())
                .isNotEqualTo(key);
        assertThat(BatchableRequest.of(ApiRoute.EMBEDDINGS,
                "{\"model\":\"e\",\"input\":\"x\",\"dimensions\":8,\"user\":\"u\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("authorization", "Bearer bob")).key()).isNotEqualTo(key);
        assertThat(BatchableRequest.of(ApiRoute.EMBEDDINGS,
                "{\"model\":\"e\",\"input\":\"x\",\"dimensions\":8,\"user\":\"u\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("authorization", "Bearer alice", "x-litellm-tags", "team-a")).key()).isNotEqualTo(key);
        // Token inputs and text inputs never share a call.
        assertThat(embeddings("{\"model\":\"e\",\"input\":[5,6],\"dimensions\":8,\"user\":\"u\"}").key())
                .isNotEqualTo(key);
        assertThat(CallerIdentity.identifies("X-LiteLLM-Key")).isTrue();
        assertThat(CallerIdentity.identifies("content-type")).isFalse();
    }

    @Test
    void embeddingsWithStringAndArrayInputsAreMergedAndSplitBack() throws Exception {
        BatchableRequest first = embeddings("{\"model\":\"e\",\"input\":\"aaaaaaaa\"}");
        BatchableRequest second = embeddings("{\"model\":\"e\",\"input\":[\"bbbb\",\"cccccccccccc\"]}");
        Batch batch = new Batch(List.of(first, second));

        JsonNode merged = json(batch.body());
        assertThat(merged.path("input").toString()).isEqualTo("[\"aaaaaaaa\",\"bbbb\",\"cccccccccccc\"]");
        assertThat(merged.path("model").asString()).isEqualTo("e");

        // The replica answers out of order, as it may.
        byte[] answer = ("{\"object\":\"list\",\"model\":\"e\",\"data\":["
                + "{\"object\":\"embedding\",\"index\":2,\"embedding\":[0.3]},"
                + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1]},"
                + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.2]}],"
                + "\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}").getBytes(StandardCharsets.UTF_8);
        List<byte[]> split = BatchSplit.split(batch, answer);

        JsonNode one = json(split.get(0));
        JsonNode two = json(split.get(1));
        assertThat(one.path("object").asString()).isEqualTo("list");
        assertThat(one.path("data")).hasSize(1);
        assertThat(one.path("data").get(0).path("index").asInt()).isZero();
        assertThat(one.path("data").get(0).path("embedding").toString()).isEqualTo("[0.1]");
        assertThat(two.path("data").get(0).path("index").asInt()).isZero();
        assertThat(two.path("data").get(0).path("embedding").toString()).isEqualTo("[0.2]");
        assertThat(two.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(two.path("data").get(1).path("embedding").toString()).isEqualTo("[0.3]");
        // 2 and 1+3 estimated tokens: 7 apportioned 2.33 / 4.67 -> 2 and 5, adding up exactly.
        assertThat(one.path("usage").path("prompt_tokens").asLong()).isEqualTo(2);
        assertThat(two.path("usage").path("prompt_tokens").asLong()).isEqualTo(5);
        assertThat(two.path("usage").path("total_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void completionsAreSplitWithTheirOwnIdAndUsage() throws Exception {
        BatchableRequest first = completion("{\"model\":\"c\",\"prompt\":\"hello there\",\"max_tokens\":4}");
        BatchableRequest second = completion("{\"model\":\"c\",\"prompt\":[\"hi\"],\"max_tokens\":4}");
        Batch batch = new Batch(List.of(first, second));
        assertThat(json(batch.body()).path("prompt").toString()).isEqualTo("[\"hello there\",\"hi\"]");

        byte[] answer = ("{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":1,\"model\":\"c\",\"choices\":["
                + "{\"index\":0,\"text\":\"abcdef\",\"logprobs\":null,\"finish_reason\":\"length\"},"
                + "{\"index\":1,\"text\":\"xy\",\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":8,\"total_tokens\":14}}")
                .getBytes(StandardCharsets.UTF_8);
        List<byte[]> split = BatchSplit.split(batch, answer);

        JsonNode one = json(split.get(0));
        JsonNode two = json(split.get(1));
        assertThat(one.path("id").asString()).isEqualTo("cmpl-9-0");
        assertThat(two.path("id").asString()).isEqualTo("cmpl-9-1");
        assertThat(two.path("object").asString()).isEqualTo("text_completion");
        assertThat(two.path("choices")).hasSize(1);
        assertThat(two.path("choices").get(0).path("index").asInt()).isZero();
        assertThat(two.path("choices").get(0).path("text").asString()).isEqualTo("xy");
        assertThat(two.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
        long promptSum = one.path("usage").path("prompt_tokens").asLong() + two.path("usage").path("prompt_tokens").asLong();
        long completionSum = one.path("usage").path("completion_tokens").asLong()
                + two.path("usage").path("completion_tokens").asLong();
        assertThat(promptSum).isEqualTo(6);
        assertThat(completionSum).isEqualTo(8);
        assertThat(one.path("usage").path("completion_tokens").asLong()).isEqualTo(6);
        assertThat(one.path("usage").path("total_tokens").asLong())
                .isEqualTo(one.path("usage").path("prompt_tokens").asLong() + 6);
    }

    @Test
    void anAnswerThatDoesNotMatchTheBatchIsNotSplit() {
        Batch batch = new Batch(List.of(embeddings("{\"model\":\"e\",\"input\":\"a\"}"),
                embeddings("{\"model\":\"e\",\"input\":\"b\"}")));

        assertThatThrownBy(() -> BatchSplit.split(batch, "{\"error\":{\"message\":\"bad input\"}}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(BatchSplit.UnsplittableException.class);
        assertThatThrownBy(() -> BatchSplit.split(batch, ("{\"data\":[{\"index\":0},{\"index\":0}]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("repeated index");
        assertThatThrownBy(() -> BatchSplit.split(batch, "[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BatchSplit.UnsplittableException.class);
        assertThatThrownBy(() -> new Batch(List.of(embeddings("{\"model\":\"e\",\"input\":\"a\"}"),
                embeddings("{\"model\":\"other\",\"input\":\"b\"}")))).hasMessageContaining("different keys");
    }

    @Test
    void apportioningIsWholeAndExact() {
        assertThat(Apportion.of(10, new long[] {1, 1, 1})).containsExactly(4, 3, 3);
        assertThat(Apportion.of(7, new long[] {0, 0})).containsExactly(4, 3);
        assertThat(Apportion.of(0, new long[] {5, 5})).containsExactly(0, 0);
        assertThat(Apportion.of(100, new long[] {1, 3})).containsExactly(25, 75);
    }

    @Test
    void aLoneRequestIsSentWithoutWaitingForTheWindow() {
        BatchPolicy policy = new BatchPolicy(32, 8192, Duration.ofMillis(2));
        long now = 1_000_000;
        BatchPolicy.Pending lone = new BatchPolicy.Pending(1, 10, now);

        // Nothing else in progress: no one could join, so waiting would only add latency.
        assertThat(policy.flushNow(lone, now, false, false)).isTrue();
        // The replica is idle: send now, the next requests can form the next batch.
        assertThat(policy.flushNow(lone, now, true, true)).isTrue();
        // Busy replica and others arriving: wait, but not past the budget.
        assertThat(policy.flushNow(lone, now + 1_999_999, false, true)).isFalse();
        assertThat(policy.flushNow(lone, now + 2_000_000, false, true)).isTrue();
        assertThat(policy.deadlineNanos(lone)).isEqualTo(now + 2_000_000);
        // Full by items or by tokens.
        assertThat(policy.flushNow(new BatchPolicy.Pending(32, 10, now), now, false, true)).isTrue();
        assertThat(policy.flushNow(new BatchPolicy.Pending(2, 8192, now), now, false, true)).isTrue();
        assertThat(policy.overflows(new BatchPolicy.Pending(31, 10, now), 2, 1)).isTrue();
        assertThatThrownBy(() -> new BatchPolicy(0, 1, Duration.ZERO)).hasMessage("maxItems: 0 (expected: > 0)");
    }
}
