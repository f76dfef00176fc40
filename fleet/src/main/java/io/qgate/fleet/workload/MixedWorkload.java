package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/**
 * Chat and retrieval-augmented generation together: 70% ShareGPT-like chats, 30% RAG prompts of
 * 4,000 to 8,000 tokens (retrieved passages, shared with no other request) with short answers.
 * Clients send no {@code max_tokens}.
 */
final class MixedWorkload implements Workload {

    static final MixedWorkload INSTANCE = new MixedWorkload();
    static final double RAG_SHARE = 0.3;
    static final int RAG_MIN_TOKENS = 4_000;
    static final int RAG_MAX_TOKENS = 8_000;

    private static final double ANSWER_SIGMA = 0.6;
    private static final double ANSWER_MU = Math.log(150) - ANSWER_SIGMA * ANSWER_SIGMA / 2;

    private MixedWorkload() {}

    @Override
    public String name() {
        return "mixed";
    }

    @Override
    public int maxPromptTokens() {
        return RAG_MAX_TOKENS;
    }

    @Override
    public boolean sendsMaxTokens() {
        return false;
    }

    @Override
    public Shape next(SplittableRandom random) {
        if (random.nextDouble() < RAG_SHARE) {
            int prompt = RAG_MIN_TOKENS + random.nextInt(RAG_MAX_TOKENS - RAG_MIN_TOKENS + 1);
            return new Shape(prompt, ShareGptWorkload.lognormal(random, ANSWER_MU, ANSWER_SIGMA, 1, 1024));
        }
        return ShareGptWorkload.INSTANCE.next(random);
    }

    @Override
    public String toString() {
        return name();
    }
}
