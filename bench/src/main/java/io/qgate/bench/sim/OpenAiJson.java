package io.qgate.bench.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI response bodies, written straight into Netty buffers with Jackson's streaming
 * generator: no tree is built, since the zero-latency stub answers tens of thousands per second.
 */
final class OpenAiJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** The response-wide fields every body and chunk of one answer repeats. */
    record Head(String id, long created, String model) {}

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g);
    }

    private OpenAiJson() {}

    static void chatCompletion(ByteBuf out, Head head, Generation gen, int promptTokens) {
        json(out, g -> {
            head(g, head, "chat.completion");
            g.writeArrayPropertyStart("choices");
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            g.writeObjectPropertyStart("message");
            g.writeStringProperty("role", "assistant");
            g.writeStringProperty("content", gen.text());
            g.writeEndObject();
            g.writeNullProperty("logprobs");
            g.writeStringProperty("finish_reason", gen.finishReason().label());
            g.writeEndObject();
            g.writeEndArray();
            usage(g, promptTokens, gen.length());
            g.writeEndObject();
        });
    }

    static void textCompletion(ByteBuf out, Head head, List<Generation> gens, int promptTokens) {
        json(out, g -> {
            head(g, head, "text_completion");
            g.writeArrayPropertyStart("choices");
            int completionTokens = 0;
            for (int i = 0; i < gens.size(); i++) {
                Generation gen = gens.get(i);
                completionTokens += gen.length();
                g.writeStartObject();
                g.writeNumberProperty("index", i);
                g.writeStringProperty("text", gen.text());
                g.writeNullProperty("logprobs");
                g.writeStringProperty("finish_reason", gen.finishReason().label());
                g.writeEndObject();
            }
            g.writeEndArray();
            usage(g, promptTokens, completionTokens);
            g.writeEndObject();
        });
    }

    /**
     * One {@code chat.completion.chunk} SSE event. {@code role} opens the answer, {@code content}
     * carries a token, {@code finishReason} closes it; absent ones are null.
     */
    static void chatChunk(ByteBuf out, Head head, String role, String content, FinishReason finishReason) {
        event(out, g -> {
            head(g, head, "chat.completion.chunk");
            g.writeArrayPropertyStart("choices");
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            g.writeObjectPropertyStart("delta");
            if (role != null) {
                g.writeStringProperty("role", role);
            }
            if (content != null) {
                g.writeStringProperty("content", content);
            }
            g.writeEndObject();
            g.writeNullProperty("logprobs");
            finishReason(g, finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** One streamed {@code text_completion} SSE event for choice {@code index}. */
    static void textChunk(ByteBuf out, Head head, int index, String text, FinishReason finishReason) {
        event(out, g -> {
            head(g, head, "text_completion");
            g.writeArrayPropertyStart("choices");
            g.writeStartObject();
            g.writeNumberProperty("index", index);
            g.writeStringProperty("text", text);
            g.writeNullProperty("logprobs");
            finishReason(g, finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The chunk OpenAI sends last when {@code stream_options.include_usage} is set: no choices. */
    static void usageChunk(ByteBuf out, Head head, String object, int promptTokens, int completionTokens) {
        event(out, g -> {
            head(g, head, object);
            g.writeArrayPropertyStart("choices");
            g.writeEndArray();
            usage(g, promptTokens, completionTokens);
            g.writeEndObject();
        });
    }

    static void done(ByteBuf out) {
        out.writeBytes(DONE);
    }

    static void embeddings(ByteBuf out, String model, List<float[]> vectors, int promptTokens) {
        json(out, g -> {
            g.writeStartObject();
            g.writeStringProperty("object", "list");
            g.writeArrayPropertyStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                g.writeStartObject();
                g.writeStringProperty("object", "embedding");
                g.writeNumberProperty("index", i);
                g.writeArrayPropertyStart("embedding");
                for (float x : vectors.get(i)) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringProperty("model", model);
            g.writeObjectPropertyStart("usage");
            g.writeNumberProperty("prompt_tokens", promptTokens);
            g.writeNumberProperty("total_tokens", promptTokens);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** The model, then its LoRA adapters, each with the model as its {@code parent}, as vLLM lists them. */
    static void models(ByteBuf out, String model, List<String> adapters, long created) {
        json(out, g -> {
            g.writeStartObject();
            g.writeStringProperty("object", "list");
            g.writeArrayPropertyStart("data");
            g.writeStartObject();
            g.writeStringProperty("id", model);
            g.writeStringProperty("object", "model");
            g.writeNumberProperty("created", created);
            g.writeStringProperty("owned_by", "qgate-sim");
            g.writeEndObject();
            for (String adapter : adapters) {
                g.writeStartObject();
                g.writeStringProperty("id", adapter);
                g.writeStringProperty("object", "model");
                g.writeNumberProperty("created", created);
                g.writeStringProperty("owned_by", "qgate-sim");
                g.writeStringProperty("parent", model);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static void error(ByteBuf out, ApiException e) {
        json(out, g -> {
            g.writeStartObject();
            g.writeObjectPropertyStart("error");
            g.writeStringProperty("message", e.getMessage());
            g.writeStringProperty("type", e.type());
            g.writeStringProperty("param", e.param());
            g.writeStringProperty("code", e.code());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void head(JsonGenerator g, Head head, String object) {
        g.writeStartObject();
        g.writeStringProperty("id", head.id());
        g.writeStringProperty("object", object);
        g.writeNumberProperty("created", head.created());
        g.writeStringProperty("model", head.model());
    }

    private static void usage(JsonGenerator g, int promptTokens, int completionTokens) {
        g.writeObjectPropertyStart("usage");
        g.writeNumberProperty("prompt_tokens", promptTokens);
        g.writeNumberProperty("completion_tokens", completionTokens);
        g.writeNumberProperty("total_tokens", promptTokens + completionTokens);
        g.writeEndObject();
    }

    private static void finishReason(JsonGenerator g, FinishReason reason) {
        if (reason == null) {
            g.writeNullProperty("finish_reason");
        } else {
            g.writeStringProperty("finish_reason", reason.label());
        }
    }

    private static void event(ByteBuf out, Body body) {
        out.writeBytes(DATA);
        json(out, body);
        out.writeBytes(EVENT_END);
    }

    /** Appends one JSON document to {@code out}; on failure the caller still owns (and releases) it. */
    private static void json(ByteBuf out, Body body) {
        try (JsonGenerator g = MAPPER.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            body.write(g);
        }
    }
}
