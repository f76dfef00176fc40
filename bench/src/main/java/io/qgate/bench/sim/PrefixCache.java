package io.qgate.bench.sim;

/**
 * The live simulator's prefix cache: the prompt's text cut into whole blocks of
 * {@link io.qgate.fleet.PrefixCache#BLOCK_TOKENS} tokens, each hashed with every block before it,
 * looked up in the fleet's {@link io.qgate.fleet.PrefixCache} (the rules both simulators share).
 * Used from the engine thread only.
 */
final class PrefixCache {

    static final int BLOCK_TOKENS = io.qgate.fleet.PrefixCache.BLOCK_TOKENS;
    static final int BLOCK_CHARS = BLOCK_TOKENS * Prompt.CHARS_PER_TOKEN;

    private final io.qgate.fleet.PrefixCache blocks;

    PrefixCache(int capacityBlocks) {
        this.blocks = new io.qgate.fleet.PrefixCache(capacityBlocks);
    }

    /**
     * Looks the prompt's whole blocks up, then records them all as most recently used.
     *
     * @return the number of leading prompt tokens already cached
     */
    int lookupAndInsert(Prompt prompt) {
        String text = prompt.text();
        long[] hashes = new long[text.length() / BLOCK_CHARS];
        long parent = 0;
        for (int b = 0; b < hashes.length; b++) {
            parent = Hashing.hash(parent, text, b * BLOCK_CHARS, (b + 1) * BLOCK_CHARS);
            hashes[b] = parent;
        }
        return blocks.lookupAndInsert(hashes, prompt.tokens());
    }

    int size() {
        return blocks.size();
    }
}
