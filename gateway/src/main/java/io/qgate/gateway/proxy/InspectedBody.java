package io.qgate.gateway.proxy;

import io.qgate.routing.RouteRequest;

import static java.util.Objects.requireNonNull;

/**
 * What the gateway read from a request: what routing needs, and what ordering it while it
 * waits needs.
 *
 * @param priority  the body's {@code priority} (lower goes first, as vLLM and LiteLLM number
 *                  it), or null when it has none
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, or -1 when neither is set
 */
public record InspectedBody(RouteRequest request, Integer priority, int maxTokens) {

    public InspectedBody {
        requireNonNull(request, "request");
    }

    /** A request without a JSON body to read. */
    static InspectedBody of(RouteRequest request) {
        return new InspectedBody(request, null, -1);
    }
}
