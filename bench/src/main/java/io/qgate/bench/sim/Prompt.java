package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

/**
 * One prompt as the engine sees it: its text and its length in tokens.
 *
 * <p>Text prompts are estimated at four characters per token, as for English with a Llama
 * tokenizer. Prompts given as token ids are turned into text of exactly four characters per id,
 * so that both kinds go through the same prefix cache and the same seeding.
 */
record Prompt(String text, int tokens) {

    static final int CHARS_PER_TOKEN = 4;

    Prompt {
        requireNonNull(text, "text");
        if (tokens <= 0) {
            throw new IllegalArgumentException("tokens: " + tokens + " (expected: > 0)");
        }
    }

    static Prompt ofText(String text) {
        return new Prompt(text, Math.max(1, (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN));
    }

    static Prompt ofTokenIds(int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("token ids: empty (expected: at least one)");
        }
        StringBuilder text = new StringBuilder(ids.length * CHARS_PER_TOKEN);
        for (int id : ids) {
            // Base 36 in four characters covers ids below 1.6 million, beyond any vocabulary.
            String s = Integer.toString(Math.floorMod(id, 36 * 36 * 36 * 36), 36);
            text.append("0000", 0, CHARS_PER_TOKEN - s.length()).append(s);
        }
        return new Prompt(text.toString(), ids.length);
    }
}
