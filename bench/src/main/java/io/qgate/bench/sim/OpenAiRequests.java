package io.qgate.bench.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads OpenAI request bodies, answering what is malformed or missing with a 400. */
final class OpenAiRequests {

    /** Text that makes the simulator refuse the request that carries it (see {@link #checkAccepted}). */
    static final String REJECT_MARKER = "qgate-sim-reject";

    private OpenAiRequests() {}

    static JsonNode readBody(ByteBuf content) {
        if (!content.isReadable()) {
            throw ApiException.badRequest("Request body is empty (expected: a JSON object)", null);
        }
        JsonNode body;
        try {
            body = OpenAiJson.MAPPER.readTree(new ByteBufInputStream(content.duplicate()));
        } catch (JacksonException e) {
            throw ApiException.badRequest("Invalid JSON body: " + e.getOriginalMessage(), null);
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Request body is not a JSON object", null);
        }
        return body;
    }

    /** A completion for {@code servedModel} or one of its LoRA {@code adapters}, which vLLM serves as models. */
    static GenerationRequest generation(GenerationRequest.Kind kind, JsonNode body, String servedModel,
                                        List<String> adapters) {
        String model = model(body, servedModel, adapters);
        List<Prompt> prompts = kind == GenerationRequest.Kind.CHAT
                ? List.of(chatPrompt(body.get("messages")))
                : inputs(body.get("prompt"), "prompt");
        boolean stream = bool(body, "stream");
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject()
                && bool(streamOptions, "include_usage");
        int maxTokens = positiveIntOrZero(body, "max_completion_tokens");
        if (maxTokens == 0) {
            maxTokens = positiveIntOrZero(body, "max_tokens");
        }
        JsonNode seed = body.get("seed");
        long requestSeed = seed != null && seed.isIntegralNumber() ? seed.asLong() : 0;
        return new GenerationRequest(kind, model, prompts, stream, includeUsage, maxTokens, requestSeed,
                priority(body));
    }

    /** The body's {@code priority}, vLLM's: any integer, 0 when absent. */
    private static int priority(JsonNode body) {
        JsonNode v = body.get("priority");
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest("priority: " + v + " (expected: an integer)", "priority");
        }
        return v.asInt();
    }

    /** The prompts of an embeddings request, after checking its model. */
    static List<Prompt> embeddingInputs(JsonNode body, String servedModel, List<String> adapters) {
        model(body, servedModel, adapters);
        return inputs(body.get("input"), "input");
    }

    /** The requested model: {@code servedModel} or one of {@code adapters}; anything else is not found. */
    static String model(JsonNode body, String servedModel, List<String> adapters) {
        JsonNode model = body.get("model");
        if (model == null || !model.isString()) {
            throw ApiException.badRequest("model: missing (expected: a string)", "model");
        }
        String name = model.stringValue();
        if (!name.equals(servedModel) && !adapters.contains(name)) {
            throw ApiException.modelNotFound(name);
        }
        return name;
    }

    private static Prompt chatPrompt(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("messages: missing or empty (expected: an array of messages)",
                    "messages");
        }
        // The rendered conversation stands in for the chat template: a shared system prompt
        // gives a shared prefix, as it does in vLLM's prefix cache.
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isString()) {
                throw ApiException.badRequest("messages: each message needs a string role", "messages");
            }
            text.append(message.get("role").stringValue()).append(": ");
            JsonNode content = message.get("content");
            if (content == null || content.isNull()) {
                // An assistant turn with tool calls only: nothing to render.
            } else if (content.isString()) {
                text.append(content.stringValue());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    text.append(part.path("text").asString(""));
                }
            } else {
                throw ApiException.badRequest("messages: content must be a string or an array of parts",
                        "messages");
            }
            text.append('\n');
        }
        return Prompt.ofText(text.toString());
    }

    /** A string, an array of strings, an array of token ids, or an array of such arrays. */
    private static List<Prompt> inputs(JsonNode node, String field) {
        String expected = field + ": missing or empty (expected: a string, an array of strings or of token arrays)";
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(expected, field);
        }
        if (node.isString()) {
            return List.of(Prompt.ofText(node.stringValue()));
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest(expected, field);
        }
        if (node.get(0).isIntegralNumber()) {
            return List.of(tokenPrompt(node, field));
        }
        // Like vLLM's request model: an array of strings or an array of token arrays, never a mix.
        boolean strings = node.get(0).isString();
        List<Prompt> prompts = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (strings && item.isString()) {
                prompts.add(Prompt.ofText(item.stringValue()));
            } else if (!strings && item.isArray() && !item.isEmpty()) {
                prompts.add(tokenPrompt(item, field));
            } else if (item.isString() || item.isArray()) {
                throw ApiException.badRequest(field + ": an array mixing strings and token arrays "
                        + "(expected: strings only or token arrays only)", field);
            } else {
                throw ApiException.badRequest(expected, field);
            }
        }
        return prompts;
    }

    /**
     * Refuses the whole request, as a model server does, when one of its inputs is an empty
     * string or contains {@link #REJECT_MARKER}: the marker lets tests make a single item of a
     * batch fail on purpose.
     *
     * @param field {@code input} or {@code prompt}, named in the error
     */
    static void checkAccepted(List<Prompt> prompts, String field) {
        for (int i = 0; i < prompts.size(); i++) {
            String text = prompts.get(i).text();
            String where = prompts.size() == 1 ? field : field + "[" + i + "]";
            if (text.isEmpty()) {
                throw ApiException.badRequest(where + ": empty string (expected: at least one character)", field);
            }
            if (text.contains(REJECT_MARKER)) {
                throw ApiException.badRequest(where + ": refused, it contains " + REJECT_MARKER, field);
            }
        }
    }

    private static Prompt tokenPrompt(JsonNode ids, String field) {
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode id = ids.get(i);
            if (!id.isIntegralNumber()) {
                throw ApiException.badRequest(field + ": token arrays must hold integers only", field);
            }
            tokens[i] = id.asInt();
        }
        return Prompt.ofTokenIds(tokens);
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field + ": " + v + " (expected: true or false)", field);
        }
        return v.booleanValue();
    }

    private static int positiveIntOrZero(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw ApiException.badRequest(field + ": " + v + " (expected: an integer > 0)", field);
        }
        return v.asInt();
    }
}
