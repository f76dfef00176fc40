package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/**
 * Prompt and output lengths shaped like the ShareGPT conversations that vLLM's own benchmarks
 * replay: most requests are short, a long tail is not.
 *
 * <p>Both lengths are lognormal, parameterised so that the mean is about 230 prompt and 220
 * output tokens (a lognormal's mean is {@code exp(mu + sigma^2 / 2)}), then capped so that one
 * unlucky draw cannot exceed a typical context window.
 */
final class ShareGptWorkload implements Workload {

    static final ShareGptWorkload INSTANCE = new ShareGptWorkload();

    static final int MAX_PROMPT_TOKENS = 4096;
    static final int MAX_OUTPUT_TOKENS = 2048;

    private static final double PROMPT_SIGMA = 1.0;
    private static final double PROMPT_MU = Math.log(230) - PROMPT_SIGMA * PROMPT_SIGMA / 2;
    private static final double OUTPUT_SIGMA = 0.9;
    private static final double OUTPUT_MU = Math.log(220) - OUTPUT_SIGMA * OUTPUT_SIGMA / 2;

    private ShareGptWorkload() {}

    @Override
    public String toString() {
        return name();
    }

    @Override
    public String name() {
        return "sharegpt";
    }

    @Override
    public int maxPromptTokens() {
        return MAX_PROMPT_TOKENS;
    }

    @Override
    public Shape next(SplittableRandom random) {
        int prompt = lognormal(random, PROMPT_MU, PROMPT_SIGMA, 4, MAX_PROMPT_TOKENS);
        int output = lognormal(random, OUTPUT_MU, OUTPUT_SIGMA, 1, MAX_OUTPUT_TOKENS);
        return new Shape(prompt, output);
    }

    static int lognormal(SplittableRandom random, double mu, double sigma, int min, int max) {
        double value = Math.exp(mu + sigma * gaussian(random));
        return (int) Math.max(min, Math.min(max, Math.round(value)));
    }

    /** Box–Muller, written out so that a seed gives the same lengths on every JDK version. */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // in (0, 1], so the log is finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
