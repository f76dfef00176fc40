package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/**
 * ShareGPT-like requests of which one in ten asks for {@value #LONG_OUTPUT_TOKENS} output tokens
 * (a report, a long generation): a replica holding a few of those is busier for far longer than
 * its request count says. Clients send {@code max_tokens}.
 */
final class LongTailWorkload implements Workload {

    static final LongTailWorkload INSTANCE = new LongTailWorkload();
    static final int LONG_OUTPUT_TOKENS = 2_000;
    static final double LONG_SHARE = 0.1;

    private LongTailWorkload() {}

    @Override
    public String name() {
        return "long-tail";
    }

    @Override
    public int maxPromptTokens() {
        return ShareGptWorkload.MAX_PROMPT_TOKENS;
    }

    @Override
    public Shape next(SplittableRandom random) {
        Shape chat = ShareGptWorkload.INSTANCE.next(random);
        return random.nextDouble() < LONG_SHARE ? new Shape(chat.promptTokens(), LONG_OUTPUT_TOKENS) : chat;
    }

    @Override
    public String toString() {
        return name();
    }
}
