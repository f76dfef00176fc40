package io.qgate.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which replicas each LoRA adapter calls home: as few as its demand needs, chosen so that no
 * replica is home to more adapters than it has slots ({@code max_lora}) while others have room,
 * and the demand stays spread. vLLM runs at most {@code max_lora} adapters in a batch and holds
 * requests for another back until one running adapter drains; a replica that is home to more
 * adapters than slots makes some of them wait for seconds.
 *
 * <p>Adapters are placed from the most to the least requested. An adapter needs
 * {@code ceil(its demand / a replica's fair share)} replicas; each is taken in the adapter's own
 * rendezvous order ({@link Rendezvous}), so that every gateway places alike and a replica that
 * joins or leaves moves few adapters: first one with a free slot whose placed demand stays within
 * {@link #BOUND} of the fair share (bounded-load consistent hashing), else one with a free slot
 * and the least demand placed, else (more adapters than slots in the fleet) the one with the
 * least demand placed, where the adapter will have to share. An adapter's previous homes come
 * before its rendezvous order.
 */
final class AdapterPlacement {

    /** How far past its fair share of demand a replica may be placed. */
    static final double BOUND = 1.1;

    private AdapterPlacement() {
    }

    /**
     * @param demand   requests per second per adapter
     * @param replicas the replicas' authorities
     * @param slots    adapters a replica runs at once
     * @return per adapter, its home replicas
     */
    static Map<String, Set<String>> place(Map<String, Double> demand, List<String> replicas, int slots) {
        return place(demand, replicas, slots, Map.of());
    }

    /**
     * Like {@link #place(Map, List, int)}, keeping each adapter's {@code previous} homes first where
     * they still fit: a home that moves makes the adapter's requests wait at the new one until a
     * slot there drains, so two adapters of nearly equal demand must not trade places every time
     * their rates cross.
     */
    static Map<String, Set<String>> place(Map<String, Double> demand, List<String> replicas, int slots,
                                          Map<String, Set<String>> previous) {
        if (replicas.isEmpty() || slots < 1) {
            return Map.of();
        }
        List<String> adapters = new ArrayList<>(demand.keySet());
        adapters.sort(Comparator.comparingInt((String a) -> bucket(demand.get(a))).reversed().thenComparing(a -> a));
        double total = 0;
        for (double d : demand.values()) {
            total += d;
        }
        double fairShare = total / replicas.size();
        Map<String, Integer> slotsUsed = new HashMap<>();
        Map<String, Double> placed = new HashMap<>();
        Map<String, Set<String>> homes = new HashMap<>();
        for (String adapter : adapters) {
            double d = demand.get(adapter);
            int needed = fairShare > 0 ? (int) Math.ceil(d / fairShare - 1e-9) : 1;
            needed = Math.max(1, Math.min(replicas.size(), needed));
            double each = d / needed;
            List<String> order = new ArrayList<>(replicas);
            Set<String> before = previous.getOrDefault(adapter, Set.of());
            order.sort(Comparator.comparing((String r) -> !before.contains(r))
                    .thenComparing(Comparator.comparingDouble((String r) -> Rendezvous.weight(adapter, r)).reversed()));
            Set<String> chosen = new HashSet<>();
            for (String r : order) {
                if (chosen.size() < needed && slotsUsed.getOrDefault(r, 0) < slots
                        && placed.getOrDefault(r, 0.0) + each <= BOUND * fairShare) {
                    chosen.add(r);
                }
            }
            fill(chosen, needed, order, r -> slotsUsed.getOrDefault(r, 0) < slots, placed);
            fill(chosen, needed, order, r -> true, placed);
            for (String r : chosen) {
                slotsUsed.merge(r, 1, Integer::sum);
                placed.merge(r, each, Double::sum);
            }
            homes.put(adapter, Set.copyOf(chosen));
        }
        return homes;
    }

    /**
     * The order adapters are placed in: by demand in steps of a factor of 2, then by name. Gateways
     * count each their own share of the traffic, so two adapters of nearly equal demand could come
     * in either order at each and be placed apart; whole steps make that rare.
     */
    static int bucket(double demand) {
        return demand > 0 ? Math.getExponent(demand) : Integer.MIN_VALUE;
    }

    /** Adds to {@code chosen}, up to {@code needed}, the replicas {@code allowed} with the least demand placed. */
    private static void fill(Set<String> chosen, int needed, List<String> order,
                             Predicate<String> allowed, Map<String, Double> placed) {
        while (chosen.size() < needed) {
            String best = null;
            for (String r : order) {
                if (!chosen.contains(r) && allowed.test(r)
                        && (best == null || placed.getOrDefault(r, 0.0) < placed.getOrDefault(best, 0.0))) {
                    best = r;
                }
            }
            if (best == null) {
                return;
            }
            chosen.add(best);
        }
    }
}
