package io.qgate.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which replica last served each prompt prefix block, in a bounded cache: a request whose
 * leading blocks another request already sent somewhere finds that replica's prefix cache warm
 * there. Keys are {@link PrefixHasher} hashes, values replica addresses.
 */
final class PrefixIndex {

    /** The replica holding the deepest matching block, and how many blocks matched. */
    record Match(String authority, int blocks) {}

    private final Cache<Long, String> owners;

    PrefixIndex(int maximumSize) {
        // Maintenance runs on the calling thread: no background executor in the decision core.
        this.owners = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
    }

    /** The deepest block of {@code hashes} that a replica is known to hold, or null. */
    Match lookup(long[] hashes) {
        for (int i = hashes.length - 1; i >= 0; i--) {
            String owner = owners.getIfPresent(hashes[i]);
            if (owner != null) {
                return new Match(owner, i + 1);
            }
        }
        return null;
    }

    /** Remembers that {@code authority} now holds every block of {@code hashes}. */
    void record(long[] hashes, String authority) {
        // The common case, a tenant's next request to the same replica: one read, no writes.
        if (hashes.length > 0 && authority.equals(owners.getIfPresent(hashes[hashes.length - 1]))) {
            return;
        }
        for (long hash : hashes) {
            owners.put(hash, authority);
        }
    }
}
