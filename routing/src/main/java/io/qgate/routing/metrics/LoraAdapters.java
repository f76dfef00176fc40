package io.qgate.routing.metrics;

import java.util.HashSet;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The LoRA adapters one replica reported in one scrape: vLLM's {@code vllm:lora_requests_info},
 * read as the latest sample of each engine ({@link LoraTally}).
 *
 * @param adapters   the adapters with requests running or waiting, on any engine of the replica
 * @param running    those of them with requests in the batch: loaded, holding a slot
 * @param maxLora    how many adapters one engine runs at once ({@code --max-loras}); 0 when the
 *                   replica reported no LoRA at all
 * @param mostActive the most adapters active (running or waiting) on one engine
 * @param starving   whether some engine has every slot taken and requests of another adapter
 *                   waiting: vLLM admits them only once one running adapter has no request left
 */
public record LoraAdapters(Set<String> adapters, Set<String> running, int maxLora, int mostActive,
                           boolean starving) {

    /** The reading of a replica that reports no LoRA (not enabled, or not vLLM). */
    public static final LoraAdapters NONE = new LoraAdapters(Set.of(), 0, 0);

    public LoraAdapters {
        adapters = Set.copyOf(requireNonNull(adapters, "adapters"));
        running = Set.copyOf(requireNonNull(running, "running"));
        if (maxLora < 0 || mostActive < 0) {
            throw new IllegalArgumentException("maxLora: " + maxLora + ", mostActive: " + mostActive
                    + " (expected: >= 0)");
        }
        if (!adapters.containsAll(running)) {
            throw new IllegalArgumentException("running: " + running + " (expected: among adapters " + adapters + ")");
        }
    }

    /** A replica whose active adapters all run: nothing waits for a slot. */
    public LoraAdapters(Set<String> adapters, int maxLora, int mostActive) {
        this(adapters, adapters, maxLora, mostActive, false);
    }

    /** One engine's reading, from the two lists of its sample. */
    public static LoraAdapters ofEngine(Set<String> running, Set<String> waiting, int maxLora) {
        Set<String> active = new HashSet<>(running);
        active.addAll(waiting);
        return new LoraAdapters(active, running, maxLora, active.size(), starves(running, waiting, maxLora));
    }

    /** Whether an engine with these lists holds a waiting adapter back: its slots are full of others. */
    static boolean starves(Set<String> running, Set<String> waiting, int maxLora) {
        return running.size() >= maxLora && !running.containsAll(waiting);
    }

    /** Whether the replica reported its LoRA state: only then do the other answers mean anything. */
    public boolean reported() {
        return maxLora > 0;
    }

    /** Whether {@code adapter} has requests running or waiting there: it is loaded, or about to be. */
    public boolean active(String adapter) {
        return adapters.contains(adapter);
    }

    /** Whether {@code adapter} has requests in the batch there: a new one joins at once. */
    public boolean runs(String adapter) {
        return running.contains(adapter);
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
