package io.qgate.gateway.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The requests waiting at the gateway, in the order they should go: the most urgent priority
 * first (lower {@code priority} values, as vLLM and LiteLLM number them), and within one priority
 * fairly across tenants by the work each asked for (start-time fair queuing: a request's start
 * tag is the later of the queue's virtual time and the finish tag of its tenant's previous
 * request, its finish tag that plus its work; the smallest start tag goes first). A tenant that
 * sends ten times its share waits behind its own backlog, not in front of everyone else's.
 *
 * <p>Not thread-safe: {@link Admission} calls it under its lock.
 */
final class WaitQueue<E extends WaitQueue.Entry> {

    /** What the order needs of a waiting request. */
    interface Entry {
        /** Who asked (a hash of the caller's credential); 0 for everyone without one. */
        long tenant();

        /** Lower goes first; 0 when the request says nothing. */
        int priority();

        /** The work it asks for, in estimated tokens; at least 1. */
        long work();
    }

    private record Node<E>(E entry, double start, long sequence) {}

    /** One priority's requests and its fair-queuing state. */
    private static final class Band<E> {
        final TreeSet<Node<E>> order = new TreeSet<>((a, b) -> a.start != b.start ? Double.compare(a.start, b.start)
                : Long.compare(a.sequence, b.sequence));
        final Map<Long, Double> finishOfTenant = new HashMap<>();
        double virtualTime;
    }

    /** Tenants idle and caught up are forgotten once this many are remembered. */
    private static final int TENANTS_REMEMBERED = 10_000;

    private final TreeMap<Integer, Band<E>> bands = new TreeMap<>();
    private final Map<E, Node<E>> nodes = new HashMap<>();
    private long sequence;

    void add(E entry) {
        Band<E> band = bands.computeIfAbsent(entry.priority(), p -> new Band<>());
        double start = Math.max(band.virtualTime, band.finishOfTenant.getOrDefault(entry.tenant(), 0.0));
        band.finishOfTenant.put(entry.tenant(), start + Math.max(1, entry.work()));
        Node<E> node = new Node<>(entry, start, sequence++);
        band.order.add(node);
        nodes.put(entry, node);
        if (band.finishOfTenant.size() > TENANTS_REMEMBERED) {
            double now = band.virtualTime;
            band.finishOfTenant.values().removeIf(finish -> finish <= now);
        }
    }

    /** The next request to go, removed; null when none waits. */
    E poll() {
        while (!bands.isEmpty()) {
            Map.Entry<Integer, Band<E>> first = bands.firstEntry();
            Band<E> band = first.getValue();
            Node<E> next = band.order.pollFirst();
            if (next == null) {
                bands.remove(first.getKey());
                continue;
            }
            band.virtualTime = Math.max(band.virtualTime, next.start);
            nodes.remove(next.entry);
            forgetIfEmpty(first.getKey(), band);
            return next.entry;
        }
        return null;
    }

    /** Takes {@code entry} out (it gave up); false if it is not waiting. */
    boolean remove(E entry) {
        Node<E> node = nodes.remove(entry);
        if (node == null) {
            return false;
        }
        Band<E> band = bands.get(entry.priority());
        band.order.remove(node);
        forgetIfEmpty(entry.priority(), band);
        return true;
    }

    /** An empty band is idle: who had a backlog before starts level with everyone next time. */
    private void forgetIfEmpty(int priority, Band<E> band) {
        if (band.order.isEmpty()) {
            bands.remove(priority);
        }
    }

    /**
     * Makes room for a request of {@code priority}: takes out the least urgent request that is
     * sheddable (its priority above {@code sheddableAbove}) and less urgent than the newcomer, the
     * one that came last among those; null when there is none, and nothing more urgent is ever
     * pushed out.
     */
    E shedFor(int priority, int sheddableAbove) {
        for (Map.Entry<Integer, Band<E>> band : new ArrayList<>(bands.descendingMap().entrySet())) {
            int bandPriority = band.getKey();
            if (bandPriority <= priority || bandPriority <= sheddableAbove) {
                return null;
            }
            Node<E> last = lastArrived(band.getValue());
            if (last != null) {
                band.getValue().order.remove(last);
                nodes.remove(last.entry);
                forgetIfEmpty(bandPriority, band.getValue());
                return last.entry;
            }
        }
        return null;
    }

    private static <E> Node<E> lastArrived(Band<E> band) {
        Node<E> last = null;
        for (Node<E> node : band.order) {
            if (last == null || node.sequence > last.sequence) {
                last = node;
            }
        }
        return last;
    }

    int size() {
        return nodes.size();
    }

    boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Every waiting request, in no particular order, and the queue emptied. */
    List<E> drain() {
        List<E> all = new ArrayList<>(nodes.keySet());
        nodes.clear();
        bands.clear();
        return all;
    }

    /** Waiting requests by priority band ({@link PriorityBand}), for the queue-length gauges. */
    int size(PriorityBand band) {
        int count = 0;
        for (Map.Entry<Integer, Band<E>> entry : bands.entrySet()) {
            if (PriorityBand.of(entry.getKey()) == band) {
                count += entry.getValue().order.size();
            }
        }
        return count;
    }
}
