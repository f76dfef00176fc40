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
 * after construction but a lookup's answer, and memory is bounded by the configured size. Eviction
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

    /** For each replica that holds some leading blocks of a prompt, how many. */
    record Match(String[] authorities, int[] blocks, int size) {

        static final Match NONE = new Match(new String[0], new int[0], 0);

        /** Leading blocks {@code authority} is known to hold; 0 when none. */
        int blocks(String authority) {
            for (int i = 0; i < size; i++) {
                if (authorities[i].equals(authority)) {
                    return blocks[i];
                }
            }
            return 0;
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

    /** Each replica's deepest block of {@code hashes} that it is known to hold, deepest first. */
    synchronized Match lookup(long[] hashes) {
        String[] authorities = null;
        int[] blocks = null;
        int size = 0;
        for (int i = hashes.length - 1; i >= 0 && size < HOLDERS * 2; i--) {
            int entry = find(hashes[i]);
            if (entry < 0) {
                continue;
            }
            used[entry] = ++clock;
            for (int h = entry * HOLDERS, end = h + HOLDERS; h < end && holders[h] != null; h++) {
                String holder = holders[h];
                if (size == 0) {
                    authorities = new String[HOLDERS * 2];
                    blocks = new int[HOLDERS * 2];
                }
                if (size < HOLDERS * 2 && indexOf(authorities, size, holder) < 0) {
                    authorities[size] = holder;
                    blocks[size] = i + 1;
                    size++;
                }
            }
        }
        return size == 0 ? Match.NONE : new Match(authorities, blocks, size);
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
            if (holders[last * HOLDERS].equals(authority)) {
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
        while (at < from + HOLDERS - 1 && holders[at] != null && !holders[at].equals(authority)) {
            at++;
        }
        // at: where authority was, else the first empty place, else the last (dropped)
        for (int h = at; h > from; h--) {
            holders[h] = holders[h - 1];
        }
        holders[from] = authority;
    }

    private static int indexOf(String[] values, int size, String value) {
        for (int i = 0; i < size; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }
}
