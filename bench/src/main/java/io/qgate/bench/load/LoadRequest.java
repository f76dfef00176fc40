package io.qgate.bench.load;

/**
 * One generated request: its JSON body and what it asked for.
 *
 * @param tenant the tenant whose system prompt leads the request, or -1 without tenants
 */
record LoadRequest(byte[] body, int promptTokens, int maxTokens, int tenant) {
}
