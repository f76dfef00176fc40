package io.qgate.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which replicas recently served each prompt prefix block, up to {@value #HOLDERS} per block, most
 * recent first, in a bounded cache. Unlike {@link PrefixIndex}, which keeps only the last replica,
 * a prefix that was sent to two replicas is known warm on both, so a work estimate can count it
 * cached wherever it is. Keys are {@link PrefixHasher} hashes.
 */
final class PrefixHolders {

    static final int HOLDERS = 4;

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

    private final Cache<Long, String[]> holders;

    PrefixHolders(int maximumSize) {
        // Maintenance runs on the calling thread: no background executor in the decision core.
        this.holders = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
    }

    /** Each replica's deepest block of {@code hashes} that it is known to hold. */
    Match lookup(long[] hashes) {
        String[] authorities = new String[HOLDERS * 2];
        int[] blocks = new int[HOLDERS * 2];
        int size = 0;
        for (int i = hashes.length - 1; i >= 0 && size < authorities.length; i--) {
            String[] owners = holders.getIfPresent(hashes[i]);
            if (owners == null) {
                continue;
            }
            for (String owner : owners) {
                if (size < authorities.length && indexOf(authorities, size, owner) < 0) {
                    authorities[size] = owner;
                    blocks[size] = i + 1;
                    size++;
                }
            }
        }
        return size == 0 ? Match.NONE : new Match(authorities, blocks, size);
    }

    /** Remembers that {@code authority} now holds every block of {@code hashes}. */
    void record(long[] hashes, String authority) {
        if (hashes.length == 0) {
            return;
        }
        String[] last = holders.getIfPresent(hashes[hashes.length - 1]);
        // The common case, a tenant's next request to the same replica: one read, no writes.
        if (last != null && last[0].equals(authority)) {
            return;
        }
        for (long hash : hashes) {
            holders.asMap().compute(hash, (h, owners) -> withFirst(owners, authority));
        }
    }

    private static String[] withFirst(String[] owners, String authority) {
        if (owners == null) {
            return new String[] {authority};
        }
        int at = indexOf(owners, owners.length, authority);
        int kept = at >= 0 ? owners.length : Math.min(owners.length + 1, HOLDERS);
        String[] updated = new String[kept];
        updated[0] = authority;
        for (int i = 0, j = 1; j < kept; i++) {
            if (i != at) {
                updated[j++] = owners[i];
            }
        }
        return updated;
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
