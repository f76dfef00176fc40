package io.qgate.gateway.proxy;

/**
 * The priority of a waiting request as a metric label: a few bands, whatever integers clients
 * send (lower is more urgent, as vLLM and LiteLLM number them; no priority is 0).
 */
public enum PriorityBand {
    HIGH("high"),
    NORMAL("normal"),
    LOW("low");

    private final String label;

    PriorityBand(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static PriorityBand of(int priority) {
        return priority < 0 ? HIGH : priority == 0 ? NORMAL : LOW;
    }
}
