package io.qgate.fleet.workload;

import java.util.SplittableRandom;

/**
 * Where the prompt and output lengths of generated requests come from.
 *
 * <p>Implementations are immutable and draw only from the random source they are given, so a
 * seeded source makes the sequence of requests reproducible.
 */
public interface Workload {

    /** The longest prompt a workload may ask for: the load generator makes prompt text up to this length. */
    int MAX_PROMPT_TOKENS = 32_768;

    /** The default: ShareGPT-like long-tailed lengths, mean ~230 prompt and ~220 output tokens. */
    static Workload sharegpt() {
        return ShareGptWorkload.INSTANCE;
    }

    /** Every request with exactly these prompt and output token counts. */
    static Workload fixed(int promptTokens, int outputTokens) {
        return new FixedWorkload("fixed:" + promptTokens + ":" + outputTokens, promptTokens, outputTokens);
    }

    /** The smallest useful request (~10 prompt tokens, one output token), for proxy-overhead runs. */
    static Workload tiny() {
        return new FixedWorkload("tiny", 10, 1);
    }

    /** Parses {@code sharegpt}, {@code tiny} or {@code fixed:P:O}. */
    static Workload parse(String spec) {
        if (spec.equals("sharegpt")) {
            return sharegpt();
        }
        if (spec.equals("tiny")) {
            return tiny();
        }
        String[] parts = spec.split(":", -1);
        if (parts.length == 3 && parts[0].equals("fixed")) {
            try {
                return fixed(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            } catch (NumberFormatException e) {
                // fall through to the message that shows the expected forms
            }
        }
        throw new IllegalArgumentException("workload: " + spec + " (expected: sharegpt, tiny or fixed:P:O)");
    }

    /**
     * The fleet study's workloads by name: {@code sharegpt}, {@code prefix-heavy}, {@code long-tail},
     * {@code mixed}, or anything {@link #parse} reads.
     */
    static Workload named(String name) {
        return switch (name) {
            case "prefix-heavy" -> PrefixHeavyWorkload.DEFAULT;
            case "long-tail" -> LongTailWorkload.INSTANCE;
            case "mixed" -> MixedWorkload.INSTANCE;
            default -> {
                try {
                    yield parse(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("workload: " + name
                            + " (expected: sharegpt, prefix-heavy, long-tail, mixed, tiny or fixed:P:O)");
                }
            }
        };
    }

    /** Whether clients send {@code max_tokens} (the output length); else a router must guess it. */
    default boolean sendsMaxTokens() {
        return true;
    }

    /** The name as given on the command line; it is what results record. */
    String name();

    /** The longest prompt {@link #next} can draw, so that prompt text can be prepared up front. */
    int maxPromptTokens();

    /** Draws the shape of the next request. */
    Shape next(SplittableRandom random);

    /**
     * Token lengths of one request: its prompt and its output; when {@code prefixId >= 0} the
     * prompt's first {@code prefixTokens} are a context shared by every request of that prefix (a
     * tenant's), included in {@code promptTokens}.
     */
    record Shape(int promptTokens, int outputTokens, int prefixId, int prefixTokens) {
        public Shape {
            if (promptTokens < 1) {
                throw new IllegalArgumentException("promptTokens: " + promptTokens + " (expected: > 0)");
            }
            if (outputTokens < 1) {
                throw new IllegalArgumentException("outputTokens: " + outputTokens + " (expected: > 0)");
            }
            if (prefixTokens < 0 || prefixTokens > promptTokens) {
                throw new IllegalArgumentException("prefixTokens: " + prefixTokens + " (expected: 0.." + promptTokens
                        + ")");
            }
        }

        /** A request that shares nothing with others. */
        public Shape(int promptTokens, int outputTokens) {
            this(promptTokens, outputTokens, -1, 0);
        }
    }
}
