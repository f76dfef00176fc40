package io.qgate.routing.batch;

import tools.jackson.databind.JsonNode;

/**
 * One input of a batchable request: a text, or a list of token ids. Batches never mix the two
 * kinds, because engines take a list of texts or a list of token lists, not both.
 *
 * @param value           the JSON value as the client sent it
 * @param tokens          whether it is a token list
 * @param estimatedTokens the input's size in tokens (a text's length / 4, rounded up), used for
 *                        the batch token limit and to apportion {@code usage}
 */
public record BatchItem(JsonNode value, boolean tokens, int estimatedTokens) {

    static BatchItem text(JsonNode value) {
        return new BatchItem(value, false, Math.max(1, (value.asString().length() + 3) / 4));
    }

    static BatchItem tokenList(JsonNode value) {
        return new BatchItem(value, true, Math.max(1, value.size()));
    }
}
