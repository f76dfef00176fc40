package io.qgate.routing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many output tokens a request is expected to produce: its {@code max_tokens} when it sent
 * one, else a mean learned per model from the {@code usage} of answers. The mean forgets: every
 * observation's weight halves each {@value #HALF_LIFE_SECONDS} seconds and the total weight is
 * capped, so after a change of traffic the estimate follows within about {@value #MAX_WEIGHT}
 * answers, however long the old traffic ran. Models are bounded: beyond {@value #MAX_MODELS}
 * names, the rest share one mean.
 *
 * <p>Thread-safe; time is passed in.
 */
public final class OutputLengths {

    static final double HALF_LIFE_SECONDS = 60;
    static final double MAX_WEIGHT = 100;
    static final int MAX_MODELS = 64;
    /** Before any answer: about a chat answer's length (ShareGPT's mean is ~220). */
    static final int INITIAL = 256;
    /** Observations are clamped to this; no answer is longer than a large context. */
    static final int MAX_TOKENS = 131_072;

    private static final String OTHER = "";

    private final ConcurrentHashMap<String, Mean> means = new ConcurrentHashMap<>();

    /** The expected output of a request for {@code model} that sent {@code maxTokens} (0: none). */
    public int expected(String model, int maxTokens) {
        if (maxTokens > 0) {
            return maxTokens;
        }
        Mean mean = means.get(key(model));
        return mean == null ? INITIAL : mean.value();
    }

    /** An answer for {@code model} reported {@code completionTokens} in its usage at {@code nowNanos}. */
    public void observe(String model, int completionTokens, long nowNanos) {
        int tokens = Math.max(1, Math.min(MAX_TOKENS, completionTokens));
        String key = key(model);
        Mean mean = means.get(key);
        if (mean == null) {
            mean = means.computeIfAbsent(means.size() < MAX_MODELS ? key : OTHER, k -> new Mean());
        }
        mean.add(tokens, nowNanos);
    }

    private String key(String model) {
        String key = model == null ? OTHER : model;
        return means.containsKey(key) || means.size() < MAX_MODELS ? key : OTHER;
    }

    /** A decaying weighted mean; synchronized, as answers finish on several event loops. */
    private static final class Mean {
        private double weight;
        private double sum;
        private long lastNanos;
        private boolean seen;

        synchronized void add(int tokens, long nowNanos) {
            if (seen) {
                double decay = Math.pow(0.5, Math.max(0, nowNanos - lastNanos) / (HALF_LIFE_SECONDS * 1e9));
                weight *= decay;
                sum *= decay;
            }
            if (weight + 1 > MAX_WEIGHT) {
                double scale = (MAX_WEIGHT - 1) / weight;
                weight *= scale;
                sum *= scale;
            }
            weight += 1;
            sum += tokens;
            lastNanos = nowNanos;
            seen = true;
        }

        synchronized int value() {
            return (int) Math.max(1, Math.round(sum / weight));
        }
    }
}
