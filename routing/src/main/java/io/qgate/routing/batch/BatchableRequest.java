package io.qgate.routing.batch;

import io.qgate.routing.ApiRoute;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request that may share an upstream call with others: an embeddings request, or a
 * non-streaming completion of one prompt with {@code n} = 1. Everything but its inputs, plus
 * the caller's identity, forms the {@link #key()}: only requests with equal keys are merged, so
 * parameters, spend tracking and permissions stay per caller.
 *
 * <p>Completions that cannot be split back exactly are left alone: {@code echo} (the prompt is
 * repeated into the text), {@code best_of} and {@code n} other than 1 (several choices per
 * prompt), {@code logprobs} (per-token data a client may match to its own prompt), {@code stream},
 * and prompts given as a list of more than one entry (the client batched already).
 */
public final class BatchableRequest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> UNSPLITTABLE_COMPLETION_FIELDS = Set.of("echo", "best_of", "logprobs",
            "stream", "stream_options");

    private final ApiRoute route;
    private final ObjectNode parameters;
    private final List<BatchItem> items;
    private final String key;

    private BatchableRequest(ApiRoute route, ObjectNode parameters, List<BatchItem> items, String key) {
        this.route = route;
        this.parameters = parameters;
        this.items = List.copyOf(items);
        this.key = key;
    }

    /**
     * Reads {@code body} of a request on {@code route}; returns null when the request is not
     * batchable (another route, malformed JSON, or a shape that cannot be split back exactly).
     *
     * @param identity the caller's identifying headers (see {@link CallerIdentity}), lower-case names
     */
    public static BatchableRequest of(ApiRoute route, byte[] body, Map<String, String> identity) {
        if (route != ApiRoute.EMBEDDINGS && route != ApiRoute.COMPLETIONS) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        if (!(root instanceof ObjectNode object) || !object.path("model").isString()) {
            return null;
        }
        ObjectNode parameters = object.deepCopy();
        List<BatchItem> items;
        if (route == ApiRoute.EMBEDDINGS) {
            items = embeddingInputs(parameters.remove("input"));
        } else {
            items = completionPrompt(parameters);
            parameters.remove("prompt");
        }
        if (items == null || items.isEmpty()) {
            return null;
        }
        String key = route.label() + "\n" + items.get(0).tokens() + "\n" + Canonical.json(parameters) + "\n"
                + CallerIdentity.canonical(identity);
        return new BatchableRequest(route, parameters, items, key);
    }

    private static List<BatchItem> embeddingInputs(JsonNode input) {
        if (input == null) {
            return null;
        }
        if (input.isString()) {
            return List.of(BatchItem.text(input));
        }
        if (!input.isArray() || input.isEmpty()) {
            return null;
        }
        if (allMatch(input, JsonNode::isIntegralNumber)) {
            return List.of(BatchItem.tokenList(input)); // one input given as token ids
        }
        List<BatchItem> items = new ArrayList<>(input.size());
        if (allMatch(input, JsonNode::isString)) {
            input.forEach(text -> items.add(BatchItem.text(text)));
            return items;
        }
        if (allMatch(input, e -> e.isArray() && !e.isEmpty() && allMatch(e, JsonNode::isIntegralNumber))) {
            input.forEach(tokens -> items.add(BatchItem.tokenList(tokens)));
            return items;
        }
        return null;
    }

    private static List<BatchItem> completionPrompt(ObjectNode parameters) {
        for (String field : UNSPLITTABLE_COMPLETION_FIELDS) {
            JsonNode value = parameters.get(field);
            if (value != null && !value.isNull() && !(value.isBoolean() && !value.asBoolean())) {
                return null;
            }
        }
        JsonNode n = parameters.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            return null;
        }
        JsonNode prompt = parameters.get("prompt");
        if (prompt == null) {
            return null;
        }
        if (prompt.isString()) {
            return List.of(BatchItem.text(prompt));
        }
        if (prompt.isArray() && !prompt.isEmpty() && allMatch(prompt, JsonNode::isIntegralNumber)) {
            return List.of(BatchItem.tokenList(prompt));
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isString()) {
            return List.of(BatchItem.text(prompt.get(0)));
        }
        return null;
    }

    private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode element : array) {
            if (!test.test(element)) {
                return false;
            }
        }
        return true;
    }

    public ApiRoute route() {
        return route;
    }

    /** The request's fields other than its inputs. */
    ObjectNode parameters() {
        return parameters;
    }

    public List<BatchItem> items() {
        return items;
    }

    /** Requests with equal keys may share one upstream call. */
    public String key() {
        return key;
    }

    /** The request's {@code max_tokens}, or -1 when it sets none (or not as a whole number). */
    public long maxTokens() {
        JsonNode value = parameters.get("max_tokens");
        return value != null && value.isIntegralNumber() ? value.asLong() : -1;
    }

    public int estimatedTokens() {
        int sum = 0;
        for (BatchItem item : items) {
            sum += item.estimatedTokens();
        }
        return sum;
    }
}
