package io.qgate.bench.sim;

/**
 * Stable 64-bit hashing and a SplitMix64 generator.
 *
 * <p>Written out here rather than taken from {@code String.hashCode} or {@code java.util.Random}
 * so that answers depend only on the text and the seed, never on the JVM: two replicas with the
 * same seed must produce byte-identical answers.
 */
final class Hashing {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {}

    /** FNV-1a over the UTF-16 code units of {@code text}, continuing from {@code seed}. */
    static long hash(long seed, CharSequence text, int from, int to) {
        long h = FNV_OFFSET ^ mix(seed);
        for (int i = from; i < to; i++) {
            h ^= text.charAt(i);
            h *= FNV_PRIME;
        }
        return mix(h);
    }

    static long hash(long seed, CharSequence text) {
        return hash(seed, text, 0, text.length());
    }

    /** The SplitMix64 finaliser: spreads every input bit over the whole output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A tiny deterministic random source (SplitMix64); not thread-safe, create one per use. */
    static final class Rng {
        private long state;

        Rng(long seed) {
            this.state = seed;
        }

        long nextLong() {
            state += 0x9e3779b97f4a7c15L;
            return mix(state);
        }

        /** Uniform in [0, 1). */
        double nextDouble() {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }

        int nextInt(int bound) {
            return (int) ((nextLong() >>> 33) % bound);
        }

        /** Standard normal, by Box–Muller (one of the pair is discarded to keep no state). */
        double nextGaussian() {
            double u1 = 1.0 - nextDouble();
            double u2 = nextDouble();
            return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
        }
    }
}
