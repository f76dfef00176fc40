package io.qgate.fleet;

import java.util.Arrays;

/**
 * An engine's decoding sequences, the one whose last token comes first at the head: a binary heap
 * ordered by the step of the last token, then by request id, as {@link VirtualEngine} files them.
 *
 * <p>The keys sit in arrays of their own beside the requests. A 1,000-replica run holds some
 * 80,000 decoding requests scattered over the heap; a queue that read each request's step to
 * compare (a {@link java.util.PriorityQueue} with a comparator) missed the cache at nearly every
 * comparison, and was the largest single cost of the run.
 */
final class DecodeQueue {

    private long[] steps = new long[16];
    private long[] ids = new long[16];
    private Request[] requests = new Request[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The step of the head's last token; only when not empty. */
    long firstFinishStep() {
        return steps[0];
    }

    void add(Request request) {
        if (size == steps.length) {
            steps = Arrays.copyOf(steps, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
            requests = Arrays.copyOf(requests, size * 2);
        }
        siftUp(size++, request.finishStep, request.id, request);
    }

    /** Removes and returns the head: the sequence whose last token comes first. */
    Request poll() {
        Request head = requests[0];
        removeAt(0);
        return head;
    }

    /** The sequence admitted last (the greatest {@link Request#admission}), or null when none decodes. */
    Request latestAdmitted() {
        Request latest = null;
        for (int i = 0; i < size; i++) {
            if (latest == null || requests[i].admission > latest.admission) {
                latest = requests[i];
            }
        }
        return latest;
    }

    /** Removes {@code request}, which decodes here. */
    void remove(Request request) {
        for (int i = 0; i < size; i++) {
            if (requests[i] == request) {
                removeAt(i);
                return;
            }
        }
        throw new IllegalArgumentException("request " + request.id + " does not decode here");
    }

    private void removeAt(int i) {
        int last = --size;
        long step = steps[last];
        long id = ids[last];
        Request request = requests[last];
        requests[last] = null;
        if (i == last) {
            return;
        }
        // The last entry takes the hole: down if it belongs below, else up.
        siftDown(i, step, id, request);
        if (requests[i] == request) {
            siftUp(i, step, id, request);
        }
    }

    private void siftUp(int i, long step, long id, Request request) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(step, id, steps[parent], ids[parent])) {
                break;
            }
            put(i, steps[parent], ids[parent], requests[parent]);
            i = parent;
        }
        put(i, step, id, request);
    }

    private void siftDown(int i, long step, long id, Request request) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(steps[right], ids[right], steps[child], ids[child])) {
                child = right;
            }
            if (!before(steps[child], ids[child], step, id)) {
                break;
            }
            put(i, steps[child], ids[child], requests[child]);
            i = child;
        }
        put(i, step, id, request);
    }

    private void put(int i, long step, long id, Request request) {
        steps[i] = step;
        ids[i] = id;
        requests[i] = request;
    }

    private static boolean before(long step, long id, long otherStep, long otherId) {
        return step < otherStep || (step == otherStep && id < otherId);
    }
}
