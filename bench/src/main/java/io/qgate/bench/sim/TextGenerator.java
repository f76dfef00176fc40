package io.qgate.bench.sim;

/**
 * Deterministic output text: the same seed and prompt give the same words and length on every
 * replica, which is what lets the gateway's tests compare an answer relayed through it with a
 * direct one.
 */
final class TextGenerator {

    private static final String[] WORDS = {
        "the", "model", "engine", "token", "batch", "queue", "replica", "gateway", "request",
        "latency", "cache", "prefix", "stream", "answer", "of", "and", "to", "in", "a", "is",
        "that", "for", "with", "on", "as", "it", "scales", "runs", "waits", "serves", "routes",
        "measures", "load", "throughput", "memory", "block", "kernel", "attention", "layer",
        "weights", "prompt", "decode", "prefill", "step", "sequence", "server", "client", "metric",
        "quickly", "slowly", "every", "each", "many", "few", "first", "last", "next", "more",
        "less", "when", "while", "because", "then", "so",
    };

    /** Shape of the lognormal output length; 0.8 gives a tail of a few times the mean. */
    private static final double SIGMA = 0.8;

    private final long seed;
    private final double mu;
    private final int maxOutputTokens;

    TextGenerator(long seed, int meanOutputTokens, int maxOutputTokens) {
        if (meanOutputTokens <= 0) {
            throw new IllegalArgumentException("meanOutputTokens: " + meanOutputTokens + " (expected: > 0)");
        }
        this.seed = seed;
        this.mu = Math.log(meanOutputTokens) - SIGMA * SIGMA / 2;
        this.maxOutputTokens = maxOutputTokens;
    }

    /**
     * @param key       identifies the prompt (and anything else that should change the answer)
     * @param maxTokens the requested length, or 0 to draw one
     */
    Generation generate(long key, int maxTokens) {
        Hashing.Rng rng = new Hashing.Rng(Hashing.mix(seed) ^ key);
        int length;
        FinishReason reason;
        if (maxTokens > 0) {
            length = maxTokens;
            reason = FinishReason.LENGTH;
        } else {
            long drawn = Math.round(Math.exp(mu + SIGMA * rng.nextGaussian()));
            length = (int) Math.max(1, Math.min(maxOutputTokens, drawn));
            reason = FinishReason.STOP;
        }
        return new Generation(words(rng, length), reason);
    }

    private static String[] words(Hashing.Rng rng, int length) {
        String[] tokens = new String[length];
        int sentenceLeft = 0;
        for (int i = 0; i < length; i++) {
            String word = WORDS[rng.nextInt(WORDS.length)];
            boolean startOfSentence = sentenceLeft == 0;
            if (startOfSentence) {
                sentenceLeft = 6 + rng.nextInt(12);
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            sentenceLeft--;
            if (sentenceLeft == 0 || i == length - 1) {
                word = word + ".";
            }
            tokens[i] = i == 0 ? word : " " + word;
        }
        return tokens;
    }
}
