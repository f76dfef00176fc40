package io.qgate.fleet;

import java.util.random.RandomGenerator;

/**
 * The pickers' randomness in the simulation: SplitMix64 with a bounded {@link #nextInt(int)} by
 * multiply-and-shift (Lemire's method, rejecting the few values that would bias it). The queue
 * picker draws once per near-best candidate, and over a thousand replicas the generic bounded
 * draw of {@code SplittableRandom} was a fifth of a run; this one gives the same distribution
 * for a fraction of the cost, deterministically for a seed.
 */
final class PickerRandom implements RandomGenerator {

    private long state;

    PickerRandom(long seed) {
        this.state = seed;
    }

    @Override
    public long nextLong() {
        long z = state += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound: " + bound + " (expected: > 0)");
        }
        long product = (nextLong() >>> 32) * bound;
        long low = product & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                product = (nextLong() >>> 32) * bound;
                low = product & 0xffffffffL;
            }
        }
        return (int) (product >>> 32);
    }
}
