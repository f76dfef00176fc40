package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RequestFactoryTest {

    @Test
    void theSameSeedGivesTheSameRequests() {
        RequestFactory a = factory(Api.CHAT, false, Workload.sharegpt(), 3, 11);
        RequestFactory b = factory(Api.CHAT, false, Workload.sharegpt(), 3, 11);
        SplittableRandom ra = new SplittableRandom(5);
        SplittableRandom rb = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next(ra).body()).isEqualTo(b.next(rb).body());
        }
    }

    @Test
    void chatRequestsLeadWithTheTenantsSystemPrompt() {
        RequestFactory factory = factory(Api.CHAT, true, Workload.fixed(100, 20), 2, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20; i++) {
            LoadRequest request = factory.next(random);
            JsonNode body = JsonMapper.shared().readTree(request.body());
            assertThat(body.path("model").stringValue()).isEqualTo("m\"odel");
            assertThat(body.path("max_tokens").asInt()).isEqualTo(20);
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.has("priority")).isFalse();
            JsonNode messages = body.path("messages");
            assertThat(messages.size()).isEqualTo(2);
            assertThat(messages.path(0).path("role").stringValue()).isEqualTo("system");
            assertThat(messages.path(0).path("content").stringValue())
                    .startsWith("You are the assistant of tenant " + request.tenant() + ".")
                    .hasSizeBetween(190 * 4, 200 * 4);
            assertThat(messages.path(1).path("role").stringValue()).isEqualTo("user");
            assertThat(messages.path(1).path("content").stringValue()).hasSizeBetween(95 * 4, 100 * 4);
        }
    }

    @Test
    void aWorkloadsSharedContextLeadsThePromptTheSameWhateverTheGeneratorsSeed() {
        // Two generators (as in front of two gateways) with different seeds.
        RequestFactory one = factory(Api.CHAT, true, Workload.named("prefix-heavy"), 0, 1);
        RequestFactory two = factory(Api.CHAT, true, Workload.named("prefix-heavy"), 0, 2);
        SplittableRandom random = new SplittableRandom(3);
        java.util.Map<String, String> contextByTenant = new java.util.HashMap<>();
        for (int i = 0; i < 400; i++) {
            JsonNode body = JsonMapper.shared().readTree((i % 2 == 0 ? one : two).next(random).body());
            // The workload's clients send no max_tokens.
            assertThat(body.has("max_tokens")).isFalse();
            JsonNode messages = body.path("messages");
            String context = messages.path(0).path("content").stringValue();
            assertThat(context).startsWith("You are the assistant of tenant ").hasSizeBetween(5_990 * 4, 6_000 * 4);
            String tenant = context.substring(0, context.indexOf('.'));
            assertThat(contextByTenant.computeIfAbsent(tenant, t -> context)).isEqualTo(context);
            // The question after it is short.
            assertThat(messages.path(1).path("content").stringValue().length()).isLessThanOrEqualTo(500 * 4);
        }
        assertThat(contextByTenant).hasSizeGreaterThan(100);
    }

    @Test
    void withoutTenantsPromptsRarelyShareAPrefix() {
        RequestFactory factory = factory(Api.CHAT, false, Workload.tiny(), 0, 1);
        SplittableRandom random = new SplittableRandom(3);
        java.util.Set<String> firstWords = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            JsonNode body = JsonMapper.shared().readTree(factory.next(random).body());
            assertThat(body.path("messages").size()).isEqualTo(1);
            assertThat(body.path("stream").asBoolean()).isFalse();
            assertThat(body.has("stream_options")).isFalse();
            firstWords.add(body.path("messages").path(0).path("content").stringValue());
        }
        assertThat(firstWords).hasSizeGreaterThan(45);
    }

    @Test
    void completionsAndEmbeddingsCarryPromptAndInput() {
        JsonNode completion = JsonMapper.shared().readTree(
                factory(Api.COMPLETIONS, false, Workload.tiny(), 1, 1).next(new SplittableRandom(1)).body());
        assertThat(completion.path("prompt").stringValue()).startsWith("You are the assistant of tenant 0.");
        assertThat(completion.path("max_tokens").asInt()).isEqualTo(1);

        LoadRequest embedding = factory(Api.EMBEDDINGS, true, Workload.tiny(), 0, 1).next(new SplittableRandom(1));
        JsonNode body = JsonMapper.shared().readTree(embedding.body());
        assertThat(body.path("input").stringValue()).isNotEmpty();
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("stream")).isFalse();
        assertThat(embedding.maxTokens()).isZero();
    }

    @Test
    void aPriorityGoesIntoEveryGeneratingBodyAndNoEmbedding() {
        JsonNode chat = JsonMapper.shared().readTree(new RequestFactory(Api.CHAT, "m", true, Workload.tiny(), 0, 0, 1, -2)
                .next(new SplittableRandom(1)).body());
        assertThat(chat.path("priority").asInt()).isEqualTo(-2);
        assertThat(chat.path("stream").asBoolean()).isTrue();

        JsonNode embedding = JsonMapper.shared().readTree(new RequestFactory(Api.EMBEDDINGS, "m", false,
                Workload.tiny(), 0, 0, 1, 3).next(new SplittableRandom(1)).body());
        assertThat(embedding.has("priority")).isFalse();
    }

    private static RequestFactory factory(Api api, boolean stream, Workload workload, int tenants, long seed) {
        return new RequestFactory(api, "m\"odel", stream, workload, tenants, 200, seed, null);
    }
}
