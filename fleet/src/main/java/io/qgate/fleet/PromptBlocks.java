package io.qgate.fleet;

import io.qgate.fleet.workload.Workload;

/**
 * The chained block hashes of a simulated prompt ({@link PrefixCache}): the blocks of a shared
 * context are named by its prefix and their index, so every request of a tenant has the same
 * ones; the blocks after it by the request. No text is made: only what a cache would key on.
 */
final class PromptBlocks {

    private static final long SHARED = 0x5EED_0000_0000_0000L;

    private PromptBlocks() {}

    /** The hashes of {@code shape}'s whole blocks, for request {@code id}. */
    static long[] of(Workload.Shape shape, long id) {
        int blocks = shape.promptTokens() / PrefixCache.BLOCK_TOKENS;
        int shared = shape.prefixId() < 0 ? 0 : shape.prefixTokens() / PrefixCache.BLOCK_TOKENS;
        long[] hashes = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            hashes[b] = b < shared ? mix(SHARED ^ mix(shape.prefixId()) + b) : mix(mix(~id) + b);
        }
        return hashes;
    }

    /** SplitMix64's finaliser: similar inputs, unrelated hashes. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
