package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

/**
 * The answer a sequence will produce, decided before it runs: the engine only decides when each
 * token comes out. Tokens are whole words, each but the first with its leading space, so the
 * concatenation of the streamed tokens is the non-streamed content.
 */
record Generation(String[] tokens, FinishReason finishReason) {

    Generation {
        requireNonNull(tokens, "tokens");
        requireNonNull(finishReason, "finishReason");
    }

    int length() {
        return tokens.length;
    }

    String text() {
        StringBuilder out = new StringBuilder(tokens.length * 7);
        for (String token : tokens) {
            out.append(token);
        }
        return out.toString();
    }
}
