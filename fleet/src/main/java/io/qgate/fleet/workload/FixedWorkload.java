package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/** The same prompt and output length for every request. */
record FixedWorkload(String name, int promptTokens, int outputTokens) implements Workload {

    FixedWorkload {
        if (promptTokens < 1 || promptTokens > MAX_PROMPT_TOKENS) {
            throw new IllegalArgumentException("promptTokens: " + promptTokens
                    + " (expected: 1.." + MAX_PROMPT_TOKENS + ")");
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("outputTokens: " + outputTokens + " (expected: > 0)");
        }
    }

    @Override
    public int maxPromptTokens() {
        return promptTokens;
    }

    @Override
    public Shape next(SplittableRandom random) {
        return new Shape(promptTokens, outputTokens);
    }
}
