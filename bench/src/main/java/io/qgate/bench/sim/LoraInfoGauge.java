package io.qgate.bench.sim;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code vllm:lora_requests_info} as vLLM writes it: an info gauge whose labels carry
 * {@code max_lora} and the comma-separated running and waiting adapters, and whose value is the
 * time (in seconds) it was last set. Python's Prometheus client keeps every label set the gauge
 * was ever given, so the old ones stay in the exposition with the time they were last current;
 * a reader must take the latest. Here the history is bounded, where vLLM's is not.
 */
final class LoraInfoGauge {

    private static final String NAME = "vllm:lora_requests_info";
    /** Old label sets kept: enough to make a reader pick the latest, not so many that scrapes grow. */
    private static final int HISTORY = 16;

    private final String engineLabel;
    private final LoraState slots;
    private final String maxLora;
    /** Label set → when it was last current, oldest first. */
    private final LinkedHashMap<String, Double> sets = new LinkedHashMap<>();

    LoraInfoGauge(String engineLabel, LoraState slots) {
        this.engineLabel = engineLabel;
        this.slots = slots;
        this.maxLora = Integer.toString(slots.maxLoras());
    }

    /** Sets the gauge to now under the slots' adapters and appends every kept label set; any thread. */
    synchronized void render(StringBuilder out) {
        String running = slots.runningView();
        String waiting = slots.waitingView();
        String labels = "{" + engineLabel + ",max_lora=\"" + maxLora + "\",running_lora_adapters=\""
                + PromText.escape(running) + "\",waiting_lora_adapters=\"" + PromText.escape(waiting) + "\"}";
        sets.remove(labels);
        sets.put(labels, System.currentTimeMillis() / 1000.0);
        for (Iterator<String> oldest = sets.keySet().iterator(); sets.size() > HISTORY; ) {
            oldest.next();
            oldest.remove();
        }
        PromText.help(out, NAME, "gauge", "Running stats on lora requests.");
        for (Map.Entry<String, Double> set : sets.entrySet()) {
            out.append(NAME).append(set.getKey()).append(' ').append(PromText.number(set.getValue())).append('\n');
        }
    }
}
