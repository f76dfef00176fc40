package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/**
 * Many tenants, each with a long context every one of its requests starts with, and short
 * questions after it: llm-d's prefix-heavy benchmark (150 tenants, 6,000-token contexts), at the
 * same sizes. On the simulator's default replica (a KV cache of 200,000 tokens) eight replicas can
 * hold every context between them (150 × 6,000 = 900,000 tokens) only if each tenant keeps to a
 * few of them, as llm-d's 8 × 2 H100 can. Clients send no {@code max_tokens}.
 *
 * @param tenants       how many contexts, each asked about equally often
 * @param contextTokens each context's length
 */
record PrefixHeavyWorkload(int tenants, int contextTokens) implements Workload {

    static final PrefixHeavyWorkload DEFAULT = new PrefixHeavyWorkload(150, 6_000);

    private static final double QUESTION_SIGMA = 0.6;
    private static final double QUESTION_MU = Math.log(100) - QUESTION_SIGMA * QUESTION_SIGMA / 2;
    private static final double OUTPUT_SIGMA = 0.7;
    private static final double OUTPUT_MU = Math.log(200) - OUTPUT_SIGMA * OUTPUT_SIGMA / 2;
    private static final int MAX_QUESTION_TOKENS = 500;

    PrefixHeavyWorkload {
        if (tenants < 1 || contextTokens < 1 || contextTokens + MAX_QUESTION_TOKENS > MAX_PROMPT_TOKENS) {
            throw new IllegalArgumentException("tenants: " + tenants + ", contextTokens: " + contextTokens
                    + " (expected: > 0, 1.." + (MAX_PROMPT_TOKENS - MAX_QUESTION_TOKENS) + ")");
        }
    }

    @Override
    public String name() {
        return "prefix-heavy";
    }

    @Override
    public int maxPromptTokens() {
        return contextTokens + MAX_QUESTION_TOKENS;
    }

    @Override
    public boolean sendsMaxTokens() {
        return false;
    }

    @Override
    public Shape next(SplittableRandom random) {
        int tenant = random.nextInt(tenants);
        int question = ShareGptWorkload.lognormal(random, QUESTION_MU, QUESTION_SIGMA, 8, MAX_QUESTION_TOKENS);
        int output = ShareGptWorkload.lognormal(random, OUTPUT_MU, OUTPUT_SIGMA, 1, 2048);
        return new Shape(contextTokens + question, output, tenant, contextTokens);
    }
}
