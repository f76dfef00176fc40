package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The fields of a chat or text completion request the simulator acts on.
 *
 * @param maxTokens   {@code max_tokens} / {@code max_completion_tokens}, or 0 when absent
 * @param requestSeed the request's own {@code seed}, or 0; mixed into the answer like a real
 *                    sampler's seed would be
 * @param priority    the request's {@code priority} (vLLM's: lower starts first), or 0
 */
record GenerationRequest(Kind kind, String model, List<Prompt> prompts, boolean stream, boolean includeUsage,
                         int maxTokens, long requestSeed, int priority) {

    enum Kind { CHAT, COMPLETION }

    GenerationRequest {
        requireNonNull(kind, "kind");
        requireNonNull(model, "model");
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts: empty (expected: at least one)");
        }
        if (kind == Kind.CHAT && prompts.size() != 1) {
            throw new IllegalArgumentException("prompts: " + prompts.size() + " for a chat (expected: 1)");
        }
    }

    int promptTokens() {
        int sum = 0;
        for (Prompt p : prompts) {
            sum += p.tokens();
        }
        return sum;
    }

    /**
     * What seeds the answer to prompt {@code p}: the prompt alone (with the kind and the request
     * seed), never the rest of the body, so that {@code stream}, {@code stream_options} or a
     * batch of prompts that a gateway assembled do not change the answer.
     */
    long answerKey(Prompt p) {
        return Hashing.hash(Hashing.mix(requestSeed) + kind.ordinal(), p.text());
    }
}
