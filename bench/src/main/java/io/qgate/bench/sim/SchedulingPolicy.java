package io.qgate.bench.sim;

import java.util.Locale;

/**
 * The order in which an engine starts waiting requests, vLLM's {@code --scheduling-policy}.
 * {@link #FCFS}: arrival order, and a preemption takes the latest admitted; a request with a
 * {@code priority} other than 0 is refused (400), as vLLM refuses it. {@link #PRIORITY}: the lowest
 * {@code priority} first, then the earliest arrival, and a preemption takes the least urgent
 * running request, the latest of those (vLLM's V1 scheduler: a heap on (priority, arrival) and
 * {@code max(running, key=(priority, arrival))}). Neither policy preempts a running request only
 * because a more urgent one waits: a full batch still runs to its finishes.
 */
public enum SchedulingPolicy {
    FCFS,
    PRIORITY;

    /** The flag's value: {@code fcfs} or {@code priority}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SchedulingPolicy of(String id) {
        for (SchedulingPolicy policy : values()) {
            if (policy.id().equalsIgnoreCase(id.strip())) {
                return policy;
            }
        }
        throw new IllegalArgumentException("--scheduling-policy " + id + " (expected: fcfs or priority)");
    }
}
