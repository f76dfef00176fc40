package io.qgate.routing.metrics;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The LoRA adapters one replica reported in one scrape: vLLM's {@code vllm:lora_requests_info},
 * read as the latest sample of each engine ({@link LoraTally}).
 *
 * @param adapters   the adapters with requests running or waiting, on any engine of the replica
 * @param maxLora    how many adapters one engine runs at once ({@code --max-loras}); 0 when the
 *                   replica reported no LoRA at all
 * @param mostActive the most adapters active (running or waiting) on one engine
 */
public record LoraAdapters(Set<String> adapters, int maxLora, int mostActive) {

    /** The reading of a replica that reports no LoRA (not enabled, or not vLLM). */
    public static final LoraAdapters NONE = new LoraAdapters(Set.of(), 0, 0);

    public LoraAdapters {
        adapters = Set.copyOf(requireNonNull(adapters, "adapters"));
        if (maxLora < 0 || mostActive < 0) {
            throw new IllegalArgumentException("maxLora: " + maxLora + ", mostActive: " + mostActive
                    + " (expected: >= 0)");
        }
    }

    /** Whether the replica reported its LoRA state: only then do the other answers mean anything. */
    public boolean reported() {
        return maxLora > 0;
    }

    /** Whether {@code adapter} has requests running or waiting there: it is loaded, or about to be. */
    public boolean active(String adapter) {
        return adapters.contains(adapter);
    }

    /**
     * Whether one more adapter fits beside the active ones on every engine. The engines of a
     * data-parallel replica each load adapters into their own slots, and the request lands on
     * whichever engine vLLM's balancer picks by load, not by adapter: only room on all of them is
     * room the request is sure to find.
     */
    public boolean room() {
        return reported() && mostActive < maxLora;
    }
}
