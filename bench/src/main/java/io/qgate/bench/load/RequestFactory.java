package io.qgate.bench.load;

import io.qgate.fleet.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds OpenAI request bodies by splicing pre-encoded pieces, so that generating a request costs
 * a few array copies and never shows up in the generator's own profile.
 *
 * <p>Immutable and shared by all event loops; each caller brings its own random source.
 */
final class RequestFactory {

    /** Seeds the shared contexts' text, the same in every generator. */
    private static final long CONTEXT_SEED = 0x5A4ED;

    private final Api api;
    private final Workload workload;
    private final PromptText text;
    private final byte[][] systemPrompts;
    /** The workload's shared contexts by their id, made on first use ({@link Workload.Shape#prefixId}). */
    private final ConcurrentHashMap<Integer, byte[]> contexts = new ConcurrentHashMap<>();
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
        byte[] prefix = tenant >= 0 ? systemPrompts[tenant] : context(shape);
        int ownTokens = Math.max(1, shape.promptTokens() - shape.prefixTokens());
        int capacity = head.length + tail.length + 128 + ownTokens * PromptText.CHARS_PER_TOKEN
                + (prefix == null ? 0 : prefix.length);
        ByteArrayBuilder body = new ByteArrayBuilder(capacity).append(head);
        switch (api) {
            case CHAT:
                body.append("\"messages\":[");
                if (prefix != null) {
                    body.append("{\"role\":\"system\",\"content\":\"").append(prefix).append("\"},");
                }
                body.append("{\"role\":\"user\",\"content\":\"");
                text.appendPrompt(body, ownTokens, random);
                body.append("\"}]");
                appendMaxTokens(body, shape);
                break;
            case COMPLETIONS:
                body.append("\"prompt\":\"");
                appendPrefixed(body, prefix, ownTokens, random);
                body.append("\"");
                appendMaxTokens(body, shape);
                break;
            case EMBEDDINGS:
                body.append("\"input\":\"");
                appendPrefixed(body, prefix, ownTokens, random);
                body.append("\"");
                break;
            default:
                throw new IllegalStateException("api: " + api);
        }
        body.append(tail);
        int maxTokens = api.generates() && workload.sendsMaxTokens() ? shape.outputTokens() : 0;
        return new LoadRequest(body.toByteArray(), shape.promptTokens(), maxTokens, tenant);
    }

    /** Without a message list the tenant's prefix is simply the start of the text. */
    private void appendPrefixed(ByteArrayBuilder body, byte[] prefix, int tokens, SplittableRandom random) {
        if (prefix != null) {
            body.append(prefix).append(" ");
        }
        text.appendPrompt(body, tokens, random);
    }

    /** A workload whose clients send no {@code max_tokens} leaves the output's length to the engine. */
    private void appendMaxTokens(ByteArrayBuilder body, Workload.Shape shape) {
        if (workload.sendsMaxTokens()) {
            body.append(",\"max_tokens\":").append(shape.outputTokens());
        }
    }

    /**
     * The shared context a shape starts with, or null. Its text depends on its id alone, not on
     * this generator's seed: generators in front of different gateways send a tenant's requests
     * with the same context, as one tenant's clients reach every gateway behind a Service.
     */
    private byte[] context(Workload.Shape shape) {
        if (shape.prefixId() < 0) {
            return null;
        }
        return contexts.computeIfAbsent(shape.prefixId(),
                id -> PromptText.systemPrompt(CONTEXT_SEED, id, shape.prefixTokens()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
