package io.qgate.fleet;

import java.util.SplittableRandom;

/**
 * LoRA adapters a fleet serves and how popular each is: adapter {@code k} (from 0) is asked for
 * in proportion to {@code 1 / (k + 1)^zipfExponent}, as a few tenants' fine-tunes take most of
 * the traffic and a long tail the rest.
 *
 * @param adapters     adapters served, named {@code adapter-0}, {@code adapter-1}, ...
 * @param maxLoras     adapters in an engine's batch at once (vLLM's {@code --max-loras}; see {@link LoraSlots})
 * @param loadMs       what reading an adapter from disk adds to a prefill
 * @param zipfExponent how steeply popularity falls with rank (0: all equal)
 */
public record LoraWorkload(int adapters, int maxLoras, double loadMs, double zipfExponent) {

    public LoraWorkload {
        if (adapters < 1 || maxLoras < 1) {
            throw new IllegalArgumentException("adapters: " + adapters + ", maxLoras: " + maxLoras
                    + " (expected: > 0)");
        }
        if (!(loadMs >= 0) || !(zipfExponent >= 0) || Double.isInfinite(loadMs) || Double.isInfinite(zipfExponent)) {
            throw new IllegalArgumentException("loadMs: " + loadMs + ", zipfExponent: " + zipfExponent
                    + " (expected: finite, >= 0)");
        }
    }

    /** The name of adapter {@code k}. */
    public static String name(int k) {
        return "adapter-" + k;
    }

    /** An adapter drawn by popularity. */
    String pick(SplittableRandom random) {
        double total = 0;
        for (int k = 0; k < adapters; k++) {
            total += weight(k);
        }
        double u = random.nextDouble() * total;
        for (int k = 0; k < adapters - 1; k++) {
            u -= weight(k);
            if (u < 0) {
                return Names.name(k);
            }
        }
        return Names.name(adapters - 1);
    }

    private double weight(int k) {
        return 1.0 / Math.pow(k + 1, zipfExponent);
    }

    /** The names, made once: a request names its adapter without a new string. */
    private static final class Names {
        private static final String[] CACHED = new String[256];

        static {
            for (int k = 0; k < CACHED.length; k++) {
                CACHED[k] = LoraWorkload.name(k);
            }
        }

        static String name(int k) {
            return k < CACHED.length ? CACHED[k] : LoraWorkload.name(k);
        }
    }
}
