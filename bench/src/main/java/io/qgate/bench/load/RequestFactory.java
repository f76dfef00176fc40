package io.qgate.bench.load;

import io.qgate.fleet.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds OpenAI request bodies by splicing pre-encoded pieces, so that generating a request costs
 * a few array copies and never shows up in the generator's own profile.
 *
 * <p>Immutable and shared by all event loops; each caller brings its own random source.
 */
final class RequestFactory {

    private final Api api;
    private final Workload workload;
    private final PromptText text;
    private final byte[][] systemPrompts;
    private final byte[] head;
    private final byte[] tail;

    /** @param priority the body's {@code priority}, or {@code null} for none */
    RequestFactory(Api api, String model, boolean stream, Workload workload, int tenants,
                   int systemPromptTokens, long seed, Integer priority) {
        this.api = api;
        this.workload = workload;
        this.text = new PromptText(seed, workload.maxPromptTokens());
        this.systemPrompts = new byte[tenants][];
        for (int tenant = 0; tenant < tenants; tenant++) {
            systemPrompts[tenant] = PromptText.systemPrompt(seed, tenant, systemPromptTokens);
        }
        String quotedModel = JsonMapper.shared().writeValueAsString(model);
        String start = "{\"model\":" + quotedModel + ",";
        this.head = utf8(start);
        String withPriority = priority == null || !api.generates() ? "" : ",\"priority\":" + priority;
        this.tail = utf8(withPriority + (stream && api.generates()
                ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
                : api.generates() ? ",\"stream\":false}" : "}"));
    }

    static RequestFactory from(LoadOptions options) {
        return new RequestFactory(options.api(), options.model(), options.stream(), options.workload(),
                options.tenants(), options.systemPromptTokens(), options.seed(), options.priority());
    }

    LoadRequest next(SplittableRandom random) {
        Workload.Shape shape = workload.next(random);
        int tenant = systemPrompts.length == 0 ? -1 : random.nextInt(systemPrompts.length);
        int capacity = head.length + tail.length + 128 + shape.promptTokens() * PromptText.CHARS_PER_TOKEN
                + (tenant < 0 ? 0 : systemPrompts[tenant].length);
        ByteArrayBuilder body = new ByteArrayBuilder(capacity).append(head);
        switch (api) {
            case CHAT:
                body.append("\"messages\":[");
                if (tenant >= 0) {
                    body.append("{\"role\":\"system\",\"content\":\"").append(systemPrompts[tenant]).append("\"},");
                }
                body.append("{\"role\":\"user\",\"content\":\"");
                text.appendPrompt(body, shape.promptTokens(), random);
                body.append("\"}],\"max_tokens\":").append(shape.outputTokens());
                break;
            case COMPLETIONS:
                body.append("\"prompt\":\"");
                appendPrefixed(body, tenant, shape, random);
                body.append("\",\"max_tokens\":").append(shape.outputTokens());
                break;
            case EMBEDDINGS:
                body.append("\"input\":\"");
                appendPrefixed(body, tenant, shape, random);
                body.append("\"");
                break;
            default:
                throw new IllegalStateException("api: " + api);
        }
        body.append(tail);
        int maxTokens = api.generates() ? shape.outputTokens() : 0;
        return new LoadRequest(body.toByteArray(), shape.promptTokens(), maxTokens, tenant);
    }

    /** Without a message list the tenant's prefix is simply the start of the text. */
    private void appendPrefixed(ByteArrayBuilder body, int tenant, Workload.Shape shape, SplittableRandom random) {
        if (tenant >= 0) {
            body.append(systemPrompts[tenant]).append(" ");
        }
        text.appendPrompt(body, shape.promptTokens(), random);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
