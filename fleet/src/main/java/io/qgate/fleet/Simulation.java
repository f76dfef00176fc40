package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The discrete-event core: a virtual clock in nanoseconds and the events still to come.
 *
 * <p>Events fire in time order, and events due at the same instant in the order they were
 * scheduled, so a run depends on nothing but its inputs and seeds: no threads, no wall clock.
 * Nothing is cancelled; a component that no longer wants a scheduled event ignores it when it
 * fires (a flag is cheaper than finding the event in the heap).
 *
 * <p>The heap keeps times, tie-breaking sequence numbers and the actions' places in parallel
 * arrays of primitives: at tens of millions of events per run a boxed entry per event would be
 * most of the garbage. The actions themselves stay in one place from scheduling to firing: a
 * reference moved in the heap at each level of every sift costs the garbage collector's write
 * barrier each time, a fifth of a 1,000-replica run when they moved. Each entry's time and
 * sequence sit side by side, and each entry has four children: a sift reads one or two cache
 * lines per level over half as many levels as a binary heap's.
 */
public final class Simulation {

    private long now;
    private long nextSequence;
    private long fired;
    /** Entry {@code i}'s time at {@code 2i}, its sequence at {@code 2i + 1}. */
    private long[] keys = new long[2048];
    /** Where each heap entry's action is in {@link #actions}. */
    private int[] places = new int[1024];
    private int size;
    /** The scheduled actions, by place; a place is free again once its action fired. */
    private Runnable[] actions = new Runnable[1024];
    private int[] freePlaces = new int[1024];
    private int free;
    private int placesUsed;
    /** Events of a fixed delay, each lane in time order already ({@link #lane}). */
    private DelayLane[] lanes = new DelayLane[0];

    /** The virtual time, in nanoseconds since the start of the run. */
    public long now() {
        return now;
    }

    /** The clock to hand to components that read time, such as the router. */
    public LongSupplier clock() {
        return this::now;
    }

    /** Events fired so far. */
    public long eventsFired() {
        return fired;
    }

    /** Events scheduled and not fired yet. */
    public int pending() {
        int pending = size;
        for (DelayLane lane : lanes) {
            pending += lane.size();
        }
        return pending;
    }

    /** Schedules {@code action} at {@code atNanos}, which may be now but not in the past. */
    public void at(long atNanos, Runnable action) {
        requireNonNull(action, "action");
        if (atNanos < now) {
            throw new IllegalArgumentException("atNanos: " + atNanos + " (expected: >= now " + now + ")");
        }
        if (size == places.length) {
            keys = Arrays.copyOf(keys, 4 * size);
            places = Arrays.copyOf(places, 2 * size);
        }
        int place = place(action);
        int i = size++;
        long sequence = nextSequence();
        // Sift up.
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            if (!before(atNanos, sequence, parent)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, atNanos, sequence, place);
    }

    /** The next event's place in the order of scheduling. */
    long nextSequence() {
        return nextSequence++;
    }

    /**
     * A lane for events that all come {@code delayNanos} after they are scheduled: cheaper than
     * {@link #after} for a delay that recurs, and fired in the same order as through it.
     */
    public DelayLane lane(long delayNanos) {
        DelayLane lane = new DelayLane(this, delayNanos);
        lanes = Arrays.copyOf(lanes, lanes.length + 1);
        lanes[lanes.length - 1] = lane;
        return lane;
    }

    /** Puts {@code action} in a free place, and returns it. */
    private int place(Runnable action) {
        int place;
        if (free > 0) {
            place = freePlaces[--free];
        } else {
            if (placesUsed == actions.length) {
                actions = Arrays.copyOf(actions, placesUsed * 2);
                freePlaces = Arrays.copyOf(freePlaces, placesUsed * 2);
            }
            place = placesUsed++;
        }
        actions[place] = action;
        return place;
    }

    /** Schedules {@code action} {@code delayNanos} from now. */
    public void after(long delayNanos, Runnable action) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delayNanos: " + delayNanos + " (expected: >= 0)");
        }
        at(now + delayNanos, action);
    }

    /**
     * Runs {@code action} at {@code firstNanos} and then every {@code periodNanos}, for as long as
     * the simulation runs.
     */
    public void every(long firstNanos, long periodNanos, Runnable action) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("periodNanos: " + periodNanos + " (expected: > 0)");
        }
        at(firstNanos, new Runnable() {
            private long next = firstNanos;

            @Override
            public void run() {
                action.run();
                next += periodNanos;
                at(next, this);
            }
        });
    }

    /**
     * Fires every event due at or before {@code endNanos} (including those the fired events
     * schedule), then leaves the clock at {@code endNanos}.
     */
    public void runUntil(long endNanos) {
        if (endNanos < now) {
            throw new IllegalArgumentException("endNanos: " + endNanos + " (expected: >= now " + now + ")");
        }
        while (true) {
            // The earliest of the heap's first event and each lane's, by time and then scheduling order.
            DelayLane earliestLane = null;
            long time = size > 0 ? keys[0] : Long.MAX_VALUE;
            long sequence = size > 0 ? keys[1] : Long.MAX_VALUE;
            for (DelayLane lane : lanes) {
                if (!lane.isEmpty() && (lane.firstTime() < time
                        || (lane.firstTime() == time && lane.firstSequence() < sequence))) {
                    earliestLane = lane;
                    time = lane.firstTime();
                    sequence = lane.firstSequence();
                }
            }
            if (time > endNanos || (earliestLane == null && size == 0)) {
                break;
            }
            now = time;
            Runnable action;
            if (earliestLane != null) {
                action = earliestLane.poll();
            } else {
                int place = places[0];
                action = actions[place];
                actions[place] = null;
                freePlaces[free++] = place;
                removeHead();
            }
            fired++;
            action.run();
        }
        now = endNanos;
    }

    private void removeHead() {
        int last = --size;
        long time = keys[2 * last];
        long sequence = keys[2 * last + 1];
        int place = places[last];
        if (last == 0) {
            return;
        }
        // Sift the last entry down from the root, each time to the earliest of the four children.
        int i = 0;
        while (true) {
            int first = 4 * i + 1;
            if (first >= last) {
                break;
            }
            int child = first;
            int end = Math.min(first + 4, last);
            for (int c = first + 1; c < end; c++) {
                if (before(keys[2 * c], keys[2 * c + 1], child)) {
                    child = c;
                }
            }
            if (!before(keys[2 * child], keys[2 * child + 1], time, sequence)) {
                break;
            }
            move(child, i);
            i = child;
        }
        put(i, time, sequence, place);
    }

    private void put(int i, long time, long sequence, int place) {
        keys[2 * i] = time;
        keys[2 * i + 1] = sequence;
        places[i] = place;
    }

    private void move(int from, int to) {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        places[to] = places[from];
    }

    /** Whether an event at {@code time} scheduled as {@code sequence} fires before entry {@code i}. */
    private boolean before(long time, long sequence, int i) {
        return before(time, sequence, keys[2 * i], keys[2 * i + 1]);
    }

    private static boolean before(long time, long sequence, long otherTime, long otherSequence) {
        return time < otherTime || (time == otherTime && sequence < otherSequence);
    }
}
