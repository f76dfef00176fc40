package io.qgate.bench.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's automatic prefix caching, reduced to what changes timing: an LRU of full prompt blocks.
 *
 * <p>A block's hash covers the block and every block before it (as vLLM chains block hashes), so
 * a block is only a hit when the whole prompt up to it was seen before. Used from the engine
 * thread only.
 */
final class PrefixCache {

    static final int BLOCK_TOKENS = 16;
    static final int BLOCK_CHARS = BLOCK_TOKENS * Prompt.CHARS_PER_TOKEN;

    private final int capacity;
    private final LinkedHashMap<Long, Boolean> blocks;

    PrefixCache(int capacityBlocks) {
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
     * Looks the prompt's full blocks up, then records them all as most recently used.
     *
     * @return the number of leading prompt tokens already cached
     */
    int lookupAndInsert(Prompt prompt) {
        if (capacity == 0) {
            return 0;
        }
        String text = prompt.text();
        int fullBlocks = text.length() / BLOCK_CHARS;
        long parent = 0;
        int hits = 0;
        boolean stillHitting = true;
        for (int b = 0; b < fullBlocks; b++) {
            long h = Hashing.hash(parent, text, b * BLOCK_CHARS, (b + 1) * BLOCK_CHARS);
            // get() on an access-ordered map also refreshes the block's recency.
            if (stillHitting && blocks.get(h) != null) {
                hits++;
            } else {
                stillHitting = false;
                blocks.put(h, Boolean.TRUE);
            }
            parent = h;
        }
        // Text prompts are rounded up to whole tokens; never report more hits than tokens.
        return Math.min(hits * BLOCK_TOKENS, prompt.tokens());
    }

    int size() {
        return blocks.size();
    }
}
