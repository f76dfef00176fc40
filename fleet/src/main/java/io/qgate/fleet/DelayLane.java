package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

/**
 * Events that all come a fixed delay after they are scheduled, such as every LiteLLM hop: since
 * the clock never goes back, they are due in the order they were scheduled, so a first-in
 * first-out ring holds them in time order at no cost, where the simulation's heap would sift each
 * one in and out. The {@link Simulation} fires them interleaved with its other events, by time and
 * then by scheduling order, exactly as if they were in its heap.
 */
public final class DelayLane {

    private final Simulation sim;
    private final long delayNanos;
    private long[] times = new long[256];
    private long[] sequences = new long[256];
    private Runnable[] actions = new Runnable[256];
    private int head;
    private int size;

    DelayLane(Simulation sim, long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delayNanos: " + delayNanos + " (expected: >= 0)");
        }
        this.sim = sim;
        this.delayNanos = delayNanos;
    }

    /** Schedules {@code action} the lane's delay from now. */
    public void after(Runnable action) {
        requireNonNull(action, "action");
        if (size == times.length) {
            grow();
        }
        int tail = (head + size) & (times.length - 1);
        times[tail] = sim.now() + delayNanos;
        sequences[tail] = sim.nextSequence();
        actions[tail] = action;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The time of the first event; only when not empty. */
    long firstTime() {
        return times[head];
    }

    /** The scheduling order of the first event; only when not empty. */
    long firstSequence() {
        return sequences[head];
    }

    /** Removes and returns the first event's action. */
    Runnable poll() {
        Runnable action = actions[head];
        actions[head] = null;
        head = (head + 1) & (times.length - 1);
        size--;
        return action;
    }

    private void grow() {
        int capacity = times.length * 2;
        long[] newTimes = new long[capacity];
        long[] newSequences = new long[capacity];
        Runnable[] newActions = new Runnable[capacity];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (times.length - 1);
            newTimes[i] = times[from];
            newSequences[i] = sequences[from];
            newActions[i] = actions[from];
        }
        times = newTimes;
        sequences = newSequences;
        actions = newActions;
        head = 0;
    }
}
