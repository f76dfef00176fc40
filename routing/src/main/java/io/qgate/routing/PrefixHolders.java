package io.qgate.routing;

/**
 * Which replicas recently served each prompt prefix block, up to {@value #HOLDERS} per block, most
 * recent first, in a bounded table. Unlike {@link PrefixIndex}, which keeps only the last replica,
 * a prefix that was sent to two replicas is known warm on both, so a work estimate can count it
 * cached wherever it is. Keys are {@link PrefixHasher} hashes.
 *
 * <p>A {@code work} decision with a prompt prefix looks up every one of the prompt's blocks (32 by
 * default), and a pick that moves the prompt to another replica writes every one of them: in a
 * Caffeine cache of boxed keys, one copied holder array per block, that was 2.4 to 4.0 µs of a
 * decision over 1,024 replicas whose other work costs 0.4 to 0.7 µs. So the blocks live in flat
 * arrays instead: a block's hash chooses one set of {@value #WAYS} entries (its keys one cache
 * line), and a full set forgets its least recently used entry among those seen only once, else its
 * least recently used; memory is bounded by the configured size. A prompt's blocks are written
 * together, so they mostly have the same holders: a holder list is immutable and shared by every
 * block that has it, a record makes one new list for each distinct list it replaces, and a lookup
 * skips a block whose list is the one it has just read.
 * Eviction differs from Caffeine's (W-TinyLFU over the whole cache), and keeps tenants' contexts
 * as well; what a lookup answers from what is remembered is the same walk as before.
 *
 * <p>One lock guards the table: a lookup is about 32 probes and a record at most 32 writes, far
 * shorter than the rest of a decision, and a lookup moves entries' recency too.
 */
final class PrefixHolders {

    static final int HOLDERS = 4;
    /** Entries per set: the keys of one set fill a 64-byte cache line. */
    static final int WAYS = 8;
    /**
     * Marks an entry used again since it came in. One-off prompts (a third of chat traffic) would
     * otherwise push tenants' contexts out of a full table: with the least recently used forgotten
     * first, a tenant's whole context was found at its home for 68% of its requests where Caffeine
     * (W-TinyLFU) found it for 81% (2,000 tenants, Zipf popularity, a table of 16,000 blocks);
     * with the one-off blocks forgotten first, as often as Caffeine ({@code PrefixHoldersEvictionTest}).
     */
    private static final long SEEN_AGAIN = 1L << 62;

    /**
     * For each replica that holds some leading blocks of a prompt, how many, deepest first. Filled
     * by {@link #lookup}; each thread's {@link Decision} reuses one, so a decision allocates none.
     */
    static final class Match {

        /** Holds nothing; never filled. */
        static final Match NONE = new Match();

        private final String[] authorities = new String[HOLDERS * 2];
        private final int[] blocks = new int[HOLDERS * 2];
        private final int[] hashes = new int[HOLDERS * 2];
        private int size;

        int size() {
            return size;
        }

        /** The {@code i}-th holder found, {@code i < size()}. */
        String authority(int i) {
            return authorities[i];
        }

        /** Leading blocks {@code authority} is known to hold; 0 when none. */
        int blocks(String authority) {
            for (int i = 0; i < size; i++) {
                if (same(authorities[i], authority)) {
                    return blocks[i];
                }
            }
            return 0;
        }

        /**
         * Leading blocks {@code endpoint} is known to hold; 0 when none. Compares the addresses'
         * hashes first: a walk over many candidates reads no address but a holder's.
         */
        int blocks(Endpoint endpoint) {
            int hash = endpoint.authorityHash();
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash && same(authorities[i], endpoint.authority())) {
                    return blocks[i];
                }
            }
            return 0;
        }

        /** The blocks of the {@code i}-th holder found. */
        int blocksAt(int i) {
            return blocks[i];
        }

        private void add(String authority, int leadingBlocks) {
            authorities[size] = authority;
            blocks[size] = leadingBlocks;
            hashes[size] = authority.hashCode();
            size++;
        }
    }

    /** Sets of {@value #WAYS} entries. */
    final int sets;
    private final long[] keys;
    /** {@value #HOLDERS} per entry, most recent first, null after the last. */
    /** Per entry, its holders, most recent first: immutable, shared by entries; null for an empty entry. */
    private final String[][] holders;
    /**
     * When each entry was last read or written, by {@link #clock}, with {@link #SEEN_AGAIN} once it
     * was read or written again after it came in: a full set forgets first the entries seen once.
     */
    private final long[] used;
    private long clock;

    /** @param maximumSize blocks remembered at least (the table rounds up to whole sets) */
    PrefixHolders(int maximumSize) {
        if (maximumSize < 0) {
            throw new IllegalArgumentException("maximumSize: " + maximumSize + " (expected: >= 0)");
        }
        this.sets = (int) ((maximumSize + (long) WAYS - 1) / WAYS);
        this.keys = new long[sets * WAYS];
        this.holders = new String[sets * WAYS][];
        this.used = new long[sets * WAYS];
    }

    /** Fills {@code into} with each replica's deepest block of {@code hashes} that it is known to hold, deepest first. */
    synchronized Match lookup(long[] hashes, Match into) {
        if (into == Match.NONE) {
            throw new IllegalArgumentException("into: Match.NONE (expected: a match of the caller's own)");
        }
        into.size = 0;
        String[] previous = null;
        for (int i = hashes.length - 1; i >= 0 && into.size < HOLDERS * 2; i--) {
            int entry = find(hashes[i]);
            if (entry < 0) {
                continue;
            }
            used[entry] = ++clock | SEEN_AGAIN;
            String[] list = holders[entry];
            // The very list of the deeper block found before: all its holders are found already.
            if (list == previous) {
                continue;
            }
            previous = list;
            for (int h = 0; h < list.length && into.size < HOLDERS * 2; h++) {
                if (into.blocks(list[h]) == 0) {
                    into.add(list[h], i + 1);
                }
            }
        }
        return into;
    }

    /** Remembers that {@code authority} now holds every block of {@code hashes}. */
    synchronized void record(long[] hashes, String authority) {
        if (hashes.length == 0) {
            return;
        }
        int last = find(hashes[hashes.length - 1]);
        if (last >= 0) {
            used[last] = ++clock | SEEN_AGAIN;
            // The common case, a tenant's next request to the same replica: one read, no writes.
            if (same(holders[last][0], authority)) {
                return;
            }
        }
        // The last list replaced and what replaced it: the next block usually had the same.
        String[] replaced = null;
        String[] replacement = null;
        for (long hash : hashes) {
            int entry = find(hash);
            long seen = SEEN_AGAIN;
            if (entry < 0) {
                entry = replaceLeastUsed(hash);
                seen = 0;
            }
            if (entry < 0) {
                return;
            }
            String[] list = holders[entry];
            if (replacement == null || list != replaced) {
                replaced = list;
                replacement = withFirst(list, authority);
            }
            holders[entry] = replacement;
            used[entry] = ++clock | seen;
        }
    }

    /**
     * Equal authorities, usually the very same string (an endpoint's own); different ones are told
     * apart by their cached hash codes before their characters, as most differ in the last few.
     */
    static boolean same(String a, String b) {
        return a == b || a.hashCode() == b.hashCode() && a.equals(b);
    }

    /** The entry holding {@code hash}, or -1. */
    private int find(long hash) {
        if (sets == 0) {
            return -1;
        }
        int first = setOf(hash) * WAYS;
        for (int entry = first; entry < first + WAYS; entry++) {
            if (keys[entry] == hash && holders[entry] != null) {
                return entry;
            }
        }
        return -1;
    }

    /**
     * Empties for {@code hash} the entry of its set that goes first (empty, else the least recently
     * used of those seen once, else the least recently used); -1 when the table holds nothing.
     */
    private int replaceLeastUsed(long hash) {
        if (sets == 0) {
            return -1;
        }
        int first = setOf(hash) * WAYS;
        int oldest = first;
        for (int entry = first + 1; entry < first + WAYS; entry++) {
            if (used[entry] < used[oldest]) {
                oldest = entry;
            }
        }
        keys[oldest] = hash;
        holders[oldest] = null;
        return oldest;
    }

    /** Lemire's multiply-shift: a set for the hash's high half, without a power-of-two table. */
    int setOf(long hash) {
        return (int) (((hash >>> 32) * sets) >>> 32);
    }

    /** {@code list} (null: none) with {@code authority} first and the others after it in their order, at most {@value #HOLDERS}. */
    private static String[] withFirst(String[] list, String authority) {
        if (list == null) {
            return new String[] {authority};
        }
        if (same(list[0], authority)) {
            return list;
        }
        int at = 1;
        while (at < list.length && !same(list[at], authority)) {
            at++;
        }
        // The others keep their order; authority's old place, or the last when the list is full, goes.
        String[] updated = new String[at < list.length ? list.length : Math.min(list.length + 1, HOLDERS)];
        updated[0] = authority;
        System.arraycopy(list, 0, updated, 1, Math.min(at, updated.length - 1));
        if (at + 1 < list.length) {
            System.arraycopy(list, at + 1, updated, at + 1, list.length - at - 1);
        }
        return updated;
    }
}
