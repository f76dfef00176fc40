package io.qgate.bench.sim;

import java.util.Arrays;

/**
 * When an engine's batch slots were taken and given back ({@link System#nanoTime()}), kept only
 * when a bench asks for it ({@link SimServer#recordSlots()}): the queueing bench derives from it the
 * physical floor of a wait, the time from an arrival until some slot frees. Bounded, so a
 * forgotten log cannot grow without end; the engine thread writes, a bench reads after the run.
 */
public final class SlotLog {

    /** Events kept of each kind: hours of a small engine's work. */
    static final int MAX_EVENTS = 1 << 20;

    private long[] taken = new long[256];
    private int takenCount;
    private long[] freed = new long[256];
    private int freedCount;

    synchronized void taken(long nanos) {
        if (takenCount < MAX_EVENTS) {
            taken = grown(taken, takenCount);
            taken[takenCount++] = nanos;
        }
    }

    synchronized void freed(long nanos) {
        if (freedCount < MAX_EVENTS) {
            freed = grown(freed, freedCount);
            freed[freedCount++] = nanos;
        }
    }

    /** When a sequence took a slot (started its prefill), in order. */
    public synchronized long[] takenNanos() {
        return Arrays.copyOf(taken, takenCount);
    }

    /** When a slot freed (a sequence finished, was aborted or preempted), in order. */
    public synchronized long[] freedNanos() {
        return Arrays.copyOf(freed, freedCount);
    }

    private static long[] grown(long[] events, int count) {
        return count < events.length ? events : Arrays.copyOf(events, events.length * 2);
    }
}
