package io.qgate.bench.load;

import io.qgate.fleet.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic filler text of a chosen token length, at about four characters per token.
 *
 * <p>A corpus of words is generated once from the seed; a prompt is a slice of it starting at a
 * random word, so that two requests rarely share a prefix (a shared prefix would let the engine's
 * prefix cache make the run look faster than real traffic). The text is plain ASCII letters and
 * spaces, so it can be placed in a JSON string without escaping.
 */
final class PromptText {

    static final int CHARS_PER_TOKEN = 4;
    static final int MAX_TOKENS = Workload.MAX_PROMPT_TOKENS;

    private static final String[] WORDS = {
        "the", "model", "answer", "question", "server", "request", "token", "latency", "queue",
        "cluster", "replica", "gateway", "prompt", "system", "user", "about", "please", "explain",
        "how", "why", "what", "when", "where", "which", "could", "would", "should", "write",
        "a", "an", "short", "long", "story", "poem", "list", "table", "summary", "of", "for",
        "with", "and", "or", "in", "on", "under", "over", "between", "data", "network", "memory",
        "cache", "batch", "engine", "kernel", "python", "java", "code", "function", "value",
        "river", "mountain", "city", "history", "science", "music", "garden", "winter", "summer",
        "quickly", "carefully", "simple", "complex", "first", "second", "final", "every", "some",
    };

    /** Distinct starting points for prompts; more would only cost memory. */
    private static final int START_RANGE = 1 << 16;

    private final byte[] corpus;
    private final int[] wordStarts;

    PromptText(long seed, int maxPromptTokens) {
        if (maxPromptTokens < 1 || maxPromptTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("maxPromptTokens: " + maxPromptTokens
                    + " (expected: 1.." + MAX_TOKENS + ")");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int length = START_RANGE + maxPromptTokens * CHARS_PER_TOKEN + 16;
        StringBuilder text = new StringBuilder(length + 16);
        int[] starts = new int[length / 2];
        int count = 0;
        while (text.length() < length) {
            if (text.length() < START_RANGE) {
                starts[count++] = text.length();
            }
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        this.corpus = text.toString().getBytes(StandardCharsets.US_ASCII);
        this.wordStarts = Arrays.copyOf(starts, count);
    }

    /** Appends about {@code tokens} tokens of text starting at a random word. */
    void appendPrompt(ByteArrayBuilder out, int tokens, SplittableRandom random) {
        int start = wordStarts[random.nextInt(wordStarts.length)];
        int length = tokens * CHARS_PER_TOKEN;
        out.append(corpus, start, trimTrailingSpace(start, length));
    }

    /** A fixed text of about {@code tokens} tokens for one tenant: the same for every request of that tenant. */
    static byte[] systemPrompt(long seed, int tenant, int tokens) {
        SplittableRandom random = new SplittableRandom(seed * 31 + tenant);
        StringBuilder text = new StringBuilder("You are the assistant of tenant ").append(tenant).append(". ");
        int length = tokens * CHARS_PER_TOKEN;
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        text.setLength(Math.max(1, length));
        return text.toString().strip().getBytes(StandardCharsets.US_ASCII);
    }

    private int trimTrailingSpace(int start, int length) {
        int end = start + length;
        while (end > start + 1 && corpus[end - 1] == ' ') {
            end--;
        }
        return end - start;
    }
}
