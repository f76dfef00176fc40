package io.qgate.routing;

/**
 * Rendezvous (highest random weight) hashing: a pseudo-random weight per key and replica that
 * every gateway computes alike, with no shared state. Ranking replicas by it gives each key its
 * own order of preference, and a replica that joins or leaves moves only the keys it ranks first.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    /** The weight of {@code key} on {@code replica}, in [0,1): the same in every JVM ({@link String#hashCode} is specified). */
    static double weight(String key, String replica) {
        long h = ((long) key.hashCode() << 32) ^ (replica.hashCode() & 0xffffffffL);
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finalizer: every input bit flips about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
