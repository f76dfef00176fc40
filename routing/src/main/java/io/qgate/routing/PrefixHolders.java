package io.qgate.routing;

import java.util.Arrays;

/**
 * Which replicas recently served each prompt prefix block, up to {@value #HOLDERS} per block, most
 * recent first, in a bounded table. Unlike {@link PrefixIndex}, which keeps only the last replica,
 * a prefix that was sent to two replicas is known warm on both, so a work estimate can count it
 * cached wherever it is. Keys are {@link PrefixHasher} hashes.
 *
 * <p>A {@code work} decision with a prompt prefix looks up every one of the prompt's blocks (32 by
 * default), and a pick that moves the prompt to another replica writes every one of them: in a
 * Caffeine cache of boxed keys and copied holder arrays that was 2.4 to 4.0 µs of a decision over
 * 1,024 replicas whose other work costs 0.4 to 0.7 µs. So the blocks live in flat arrays instead:
 * a block's hash chooses one set of {@value #WAYS} entries (its keys one cache line), the holders
 * are moved in place, and a full set forgets its least recently used entry. Nothing is allocated
 * after construction, and memory is bounded by the configured size. Eviction
 * differs from Caffeine's (least recently used within a set, against W-TinyLFU over the whole
 * cache); what a lookup answers from what is remembered is the same walk as before.
 *
 * <p>One lock guards the table: a lookup is about 32 probes and a record at most 32 writes, far
 * shorter than the rest of a decision, and a lookup moves entries' recency too.
 */
final class PrefixHolders {

    static final int HOLDERS = 4;
    /** Entries per set: the keys of one set fill a 64-byte cache line. */
    static final int WAYS = 8;

    /**
     * For each replica that holds some leading blocks of a prompt, how many, deepest first. Filled
     * by {@link #lookup}; each thread's {@link Decision} reuses one, so a decision allocates none.
     */
    static final class Match {

        /** Holds nothing; never filled. */
        static final Match NONE = new Match();

        private final String[] authorities = new String[HOLDERS * 2];
        private final int[] blocks = new int[HOLDERS * 2];
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

        /** The blocks of the {@code i}-th holder found. */
        int blocksAt(int i) {
            return blocks[i];
        }

        private void add(String authority, int leadingBlocks) {
            authorities[size] = authority;
            blocks[size] = leadingBlocks;
            size++;
        }
    }

    /** Sets of {@value #WAYS} entries. */
    final int sets;
    private final long[] keys;
    /** {@value #HOLDERS} per entry, most recent first, null after the last. */
    private final String[] holders;
    /** When each entry was last read or written, by {@link #clock}; 0 for an empty entry. */
    private final long[] used;
    private long clock;

    /** @param maximumSize blocks remembered at least (the table rounds up to whole sets) */
    PrefixHolders(int maximumSize) {
        if (maximumSize < 0) {
            throw new IllegalArgumentException("maximumSize: " + maximumSize + " (expected: >= 0)");
        }
        this.sets = (int) ((maximumSize + (long) WAYS - 1) / WAYS);
        this.keys = new long[sets * WAYS];
        this.holders = new String[sets * WAYS * HOLDERS];
        this.used = new long[sets * WAYS];
    }

    /** Fills {@code into} with each replica's deepest block of {@code hashes} that it is known to hold, deepest first. */
    synchronized Match lookup(long[] hashes, Match into) {
        if (into == Match.NONE) {
            throw new IllegalArgumentException("into: Match.NONE (expected: a match of the caller's own)");
        }
        into.size = 0;
        int previous = -1;
        for (int i = hashes.length - 1; i >= 0 && into.size < HOLDERS * 2; i--) {
            int entry = find(hashes[i]);
            if (entry < 0) {
                continue;
            }
            used[entry] = ++clock;
            // A prompt's blocks are mostly written together, so a block usually has the same
            // holders as the deeper one found before it: all of them already found.
            boolean known = previous >= 0 && sameHolders(entry, previous);
            previous = entry;
            for (int h = entry * HOLDERS, end = h + HOLDERS; !known && h < end && holders[h] != null; h++) {
                if (into.size < HOLDERS * 2 && into.blocks(holders[h]) == 0) {
                    into.add(holders[h], i + 1);
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
            used[last] = ++clock;
            // The common case, a tenant's next request to the same replica: one read, no writes.
            if (same(holders[last * HOLDERS], authority)) {
                return;
            }
        }
        for (long hash : hashes) {
            int entry = find(hash);
            if (entry < 0) {
                entry = replaceLeastUsed(hash);
            }
            if (entry >= 0) {
                moveToFront(entry * HOLDERS, authority);
                used[entry] = ++clock;
            }
        }
    }

    /** Whether two entries hold the very same holders in the same order. */
    private boolean sameHolders(int entry, int other) {
        for (int h = 0; h < HOLDERS; h++) {
            if (holders[entry * HOLDERS + h] != holders[other * HOLDERS + h]) {
                return false;
            }
        }
        return true;
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
            if (keys[entry] == hash && used[entry] != 0) {
                return entry;
            }
        }
        return -1;
    }

    /** Empties the least recently used entry of {@code hash}'s set for it; -1 when the table holds nothing. */
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
        Arrays.fill(holders, oldest * HOLDERS, oldest * HOLDERS + HOLDERS, null);
        return oldest;
    }

    /** Lemire's multiply-shift: a set for the hash's high half, without a power-of-two table. */
    int setOf(long hash) {
        return (int) (((hash >>> 32) * sets) >>> 32);
    }

    /** Puts {@code authority} first among the holders at {@code from}, the others after it in their order. */
    private void moveToFront(int from, String authority) {
        int at = from;
        while (at < from + HOLDERS - 1 && holders[at] != null && !same(holders[at], authority)) {
            at++;
        }
        // at: where authority was, else the first empty place, else the last (dropped)
        for (int h = at; h > from; h--) {
            holders[h] = holders[h - 1];
        }
        holders[from] = authority;
    }
}
