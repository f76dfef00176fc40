package io.qgate.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's automatic prefix caching, reduced to what changes timing, for both simulators: an LRU of
 * whole blocks of {@value #BLOCK_TOKENS} tokens, each named by a hash that covers the block and
 * every block before it (vLLM chains its block hashes), so a block is a hit only when the whole
 * prompt up to it was seen before. Only whole leading blocks hit, and never the whole prompt: when
 * every token is cached vLLM still computes the last one to get its logits, so the cached length
 * is capped at {@code promptTokens - 1}, rounded down to whole blocks.
 *
 * <p>vLLM keeps freed blocks in its KV cache until their space is needed, evicting the least
 * recently used first; here the cache holds a fixed number of blocks whatever the running
 * sequences use, a simplification that lets a busy engine keep a little more than vLLM would.
 * Used from one thread only.
 */
public final class PrefixCache {

    public static final int BLOCK_TOKENS = 16;

    private final int capacity;
    private final LinkedHashMap<Long, Boolean> blocks;
    private long lookups;
    private long hitTokens;
    private long promptTokens;

    public PrefixCache(int capacityBlocks) {
        if (capacityBlocks < 0) {
            throw new IllegalArgumentException("capacityBlocks: " + capacityBlocks + " (expected: >= 0)");
        }
        this.capacity = capacityBlocks;
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Looks the prompt's whole blocks up, then records them all as most recently used.
     *
     * @param blockHashes the chained hashes of the prompt's whole blocks, first to last
     * @param tokens      the prompt's length in tokens
     * @return the number of leading prompt tokens already cached
     */
    public int lookupAndInsert(long[] blockHashes, int tokens) {
        lookups++;
        promptTokens += tokens;
        if (capacity == 0) {
            return 0;
        }
        int hittable = Math.max(0, tokens - 1) / BLOCK_TOKENS;
        int hits = 0;
        boolean stillHitting = true;
        for (int b = 0; b < blockHashes.length; b++) {
            // get() on an access-ordered map also refreshes the block's recency.
            if (stillHitting && b < hittable && blocks.get(blockHashes[b]) != null) {
                hits++;
            } else {
                stillHitting = false;
                blocks.put(blockHashes[b], Boolean.TRUE);
            }
        }
        int cached = hits * BLOCK_TOKENS;
        hitTokens += cached;
        return cached;
    }

    /** Blocks held. */
    public int size() {
        return blocks.size();
    }

    /** Prompt tokens found cached over all lookups, for vLLM's prefix-cache hit counters. */
    public long hitTokens() {
        return hitTokens;
    }

    /** Prompt tokens looked up. */
    public long queriedTokens() {
        return promptTokens;
    }

    public long lookups() {
        return lookups;
    }
}
