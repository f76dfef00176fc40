package io.qgate.routing;

import static java.util.Objects.requireNonNull;

/**
 * What routing knows of one request: read from its path and the few JSON fields the gateway
 * parses. Pickers decide on this alone, never on the raw request.
 *
 * @param route        the API route
 * @param model        the requested model, or {@code null} when the request names none
 * @param stream       whether the client asked for an SSE stream
 * @param prefixHashes chained hashes of the prompt's leading blocks ({@link PrefixHasher}); empty
 *                     when the prompt is shorter than one block or affinity is off
 * @param promptTokens the prompt's length in tokens, estimated from the body; 0 when unknown
 * @param maxTokens    the {@code max_tokens} the client sent; 0 when it sent none
 */
public record RouteRequest(ApiRoute route, String model, boolean stream, long[] prefixHashes, int promptTokens,
                           int maxTokens) {

    private static final long[] NONE = new long[0];

    public RouteRequest {
        requireNonNull(route, "route");
        requireNonNull(prefixHashes, "prefixHashes");
        if (promptTokens < 0 || maxTokens < 0) {
            throw new IllegalArgumentException("promptTokens: " + promptTokens + ", maxTokens: " + maxTokens
                    + " (expected: >= 0)");
        }
    }

    public RouteRequest(ApiRoute route, String model, boolean stream, long[] prefixHashes) {
        this(route, model, stream, prefixHashes, 0, 0);
    }

    public RouteRequest(ApiRoute route, String model, boolean stream) {
        this(route, model, stream, NONE);
    }
}
