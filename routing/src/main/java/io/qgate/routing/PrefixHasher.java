package io.qgate.routing;

/**
 * Hashes the leading blocks of a prompt, each hash covering everything before it, the way an
 * engine's prefix cache keys its blocks: two prompts that share their first N blocks share
 * their first N hashes. Only whole blocks count (the engine caches whole blocks only).
 */
public final class PrefixHasher {

    private static final long[] NONE = new long[0];
    private static final long SEED = 0x9E3779B97F4A7C15L;

    private PrefixHasher() {}

    /** Hashes of the first {@code maxBlocks} whole blocks of {@code blockChars} characters. */
    public static long[] hash(CharSequence text, int blockChars, int maxBlocks) {
        int blocks = Math.min(maxBlocks, text.length() / blockChars);
        if (blocks <= 0) {
            return NONE;
        }
        long[] hashes = new long[blocks];
        long h = SEED;
        int position = 0;
        for (int block = 0; block < blocks; block++) {
            for (int end = position + blockChars; position < end; position++) {
                h = (h ^ text.charAt(position)) * 0x100000001B3L;
            }
            h = mix(h);
            hashes[block] = h;
        }
        return hashes;
    }

    /** A finaliser (from SplitMix64) so that similar prefixes get unrelated hashes. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
