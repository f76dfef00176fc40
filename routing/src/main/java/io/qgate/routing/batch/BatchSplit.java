package io.qgate.routing.batch;

import io.qgate.routing.ApiRoute;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the replica's answer to a {@link Batch} back into one answer per member, shaped as if
 * the member had been sent alone: its own items only, re-indexed from 0, the batch's
 * {@code object}, {@code model}, {@code created} and {@code id} (with a per-member suffix, since
 * two clients must not share an id), and its share of {@code usage}.
 *
 * <p>Usage rule: {@code prompt_tokens} are apportioned by each member's estimated input tokens;
 * for completions, {@code completion_tokens} by the length of each member's generated text;
 * {@code total_tokens} is their sum for completions and apportioned like the prompt for
 * embeddings. Parts are whole numbers that add up to the batch's figures exactly.
 */
public final class BatchSplit {

    /** The answer cannot be split (wrong shape, items missing): send the members one by one. */
    public static final class UnsplittableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsplittableException(String message) {
            super(message, null, false, false);
        }
    }

    private BatchSplit() {}

    /** One JSON body per member, in member order. */
    public static List<byte[]> split(Batch batch, byte[] answer) throws UnsplittableException {
        JsonNode root;
        try {
            root = BatchableRequest.JSON.readTree(answer);
        } catch (JacksonException e) {
            throw new UnsplittableException("the answer is not JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            throw new UnsplittableException("the answer is not a JSON object");
        }
        boolean embeddings = batch.route() == ApiRoute.EMBEDDINGS;
        JsonNode[] byIndex = byIndex(object.path(embeddings ? "data" : "choices"), batch.itemCount());
        List<BatchableRequest> members = batch.members();
        long[] inputWeights = new long[members.size()];
        long[] outputWeights = new long[members.size()];
        int offset = 0;
        for (int m = 0; m < members.size(); m++) {
            inputWeights[m] = members.get(m).estimatedTokens();
            for (int i = 0; i < members.get(m).items().size(); i++) {
                outputWeights[m] += embeddings ? 0 : byIndex[offset + i].path("text").asString("").length();
            }
            offset += members.get(m).items().size();
        }
        JsonNode usage = object.path("usage");
        long[] prompt = Apportion.of(usage.path("prompt_tokens").asLong(0), inputWeights);
        long[] completion = embeddings ? new long[members.size()]
                : Apportion.of(usage.path("completion_tokens").asLong(0), outputWeights);
        long[] total = embeddings ? Apportion.of(usage.path("total_tokens").asLong(0), inputWeights) : null;

        List<byte[]> answers = new ArrayList<>(members.size());
        offset = 0;
        for (int m = 0; m < members.size(); m++) {
            ObjectNode own = object.deepCopy();
            ArrayNode items = own.putArray(embeddings ? "data" : "choices");
            int count = members.get(m).items().size();
            for (int i = 0; i < count; i++) {
                ObjectNode item = ((ObjectNode) byIndex[offset + i]).deepCopy();
                item.put("index", i);
                items.add(item);
            }
            offset += count;
            if (own.has("id") && own.get("id").isString()) {
                own.put("id", own.get("id").asString() + "-" + m);
            }
            if (usage.isObject()) {
                ObjectNode ownUsage = ((ObjectNode) usage).deepCopy();
                ownUsage.put("prompt_tokens", prompt[m]);
                if (embeddings) {
                    ownUsage.put("total_tokens", total[m]);
                } else {
                    ownUsage.put("completion_tokens", completion[m]);
                    ownUsage.put("total_tokens", prompt[m] + completion[m]);
                }
                own.set("usage", ownUsage);
            }
            answers.add(BatchableRequest.JSON.writeValueAsBytes(own));
        }
        return answers;
    }

    /** The answer's items ordered by their {@code index}; every index 0..count-1 exactly once. */
    private static JsonNode[] byIndex(JsonNode items, int count) throws UnsplittableException {
        if (!items.isArray() || items.size() != count) {
            throw new UnsplittableException("expected " + count + " items in the answer, got "
                    + (items.isArray() ? items.size() : "none"));
        }
        JsonNode[] ordered = new JsonNode[count];
        for (JsonNode item : items) {
            JsonNode index = item.path("index");
            if (!item.isObject() || !index.isIntegralNumber() || index.asInt() < 0 || index.asInt() >= count
                    || ordered[index.asInt()] != null) {
                throw new UnsplittableException("an item of the answer has a missing or repeated index");
            }
            ordered[index.asInt()] = item;
        }
        return ordered;
    }
}
