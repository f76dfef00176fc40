package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Where adapters call home: sized by demand, within the slots, the same whoever computes it. */
class AdapterPlacementTest {

    private static final List<String> FOUR = List.of("r0:80", "r1:80", "r2:80", "r3:80");

    @Test
    void anAdapterGetsAsManyReplicasAsItsDemandNeedsAndEveryReplicaItsSlotsWorth() {
        // Zipf-like: the first adapter alone asks for more than a replica's fair share.
        Map<String, Double> demand = new HashMap<>();
        for (int k = 0; k < 12; k++) {
            demand.put("a" + k, 100.0 / (k + 1));
        }
        Map<String, Set<String>> homes = AdapterPlacement.place(demand, FOUR, 4);

        assertThat(homes.get("a0")).as("32% of the demand, a fair share is 25%").hasSize(2);
        assertThat(homes).allSatisfy((adapter, at) -> assertThat(at).isNotEmpty());
        assertThat(homeCounts(homes).values()).as("13 homes on 16 slots: none past its 4")
                .allMatch(n -> n <= 4);
    }

    @Test
    void noReplicaTakesAThirdAdapterWhileAnotherHasASlotFree() {
        Map<String, Double> demand = new HashMap<>();
        for (int k = 0; k < 8; k++) {
            demand.put("a" + k, 1.0);
        }
        assertThat(homeCounts(AdapterPlacement.place(demand, FOUR, 2)).values()).containsOnly(2);
    }

    @Test
    void moreAdaptersThanSlotsShareTheLeastLoadedReplicas() {
        Map<String, Double> demand = Map.of("big", 0.9, "small", 0.8, "tiny", 0.2);
        Map<String, Set<String>> homes = AdapterPlacement.place(demand, List.of("r0:80", "r1:80"), 1);

        assertThat(homes.get("small")).isNotEqualTo(homes.get("big"));
        assertThat(homes.get("tiny")).as("beside small, the lighter").isEqualTo(homes.get("small"));
    }

    @Test
    void theSameInputsGiveTheSamePlacementInAnyOrder() {
        Map<String, Double> forward = new LinkedHashMap<>();
        Map<String, Double> backward = new LinkedHashMap<>();
        for (int k = 0; k < 10; k++) {
            forward.put("a" + k, 10.0 - k);
            backward.put("a" + (9 - k), 1.0 + k);
        }
        assertThat(AdapterPlacement.place(backward, List.of("r3:80", "r1:80", "r0:80", "r2:80"), 3))
                .isEqualTo(AdapterPlacement.place(forward, FOUR, 3));
    }

    @Test
    void anAdapterKeepsItsPreviousHomesWhereTheyStillFit() {
        Map<String, Double> demand = Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0);
        Map<String, Set<String>> fresh = AdapterPlacement.place(demand, FOUR, 1);
        // Every adapter somewhere else: each rotated one replica along.
        Map<String, Set<String>> previous = new HashMap<>();
        fresh.forEach((adapter, at) -> previous.put(adapter,
                Set.of(FOUR.get((FOUR.indexOf(at.iterator().next()) + 1) % FOUR.size()))));

        assertThat(AdapterPlacement.place(demand, FOUR, 1, previous)).isEqualTo(previous);
    }

    @Test
    void adaptersArePlacedByDemandInStepsOfTwoThenByName() {
        // Gateways each count their own share: 1.9 against 1.6 at one may be 1.7 against 1.8 at another.
        assertThat(AdapterPlacement.bucket(1.9)).isEqualTo(AdapterPlacement.bucket(1.6));
        assertThat(AdapterPlacement.bucket(4.0)).isGreaterThan(AdapterPlacement.bucket(3.9));
        assertThat(AdapterPlacement.bucket(0.0)).isLessThan(AdapterPlacement.bucket(1e-9));
    }

    @Test
    void noReplicasOrNoSlotsPlaceNothing() {
        assertThat(AdapterPlacement.place(Map.of("a", 1.0), List.of(), 2)).isEmpty();
        assertThat(AdapterPlacement.place(Map.of("a", 1.0), FOUR, 0)).isEmpty();
        assertThat(AdapterPlacement.place(Map.of("a", 0.0), FOUR, 2).get("a")).hasSize(1);
    }

    @Test
    void rendezvousWeightsAreStableAndSpread() {
        assertThat(Rendezvous.weight("a0", "r0:80")).isEqualTo(Rendezvous.weight("a0", "r0:80"))
                .isBetween(0.0, 1.0);
        long firstIsR0 = 0;
        for (int k = 0; k < 400; k++) {
            String key = "adapter-" + k;
            double best = -1;
            String top = null;
            for (String r : FOUR) {
                if (Rendezvous.weight(key, r) > best) {
                    best = Rendezvous.weight(key, r);
                    top = r;
                }
            }
            firstIsR0 += top.equals("r0:80") ? 1 : 0;
        }
        assertThat(firstIsR0).as("about a quarter of 400 keys rank r0 first").isBetween(60L, 140L);
    }

    private static Map<String, Integer> homeCounts(Map<String, Set<String>> homes) {
        Map<String, Integer> counts = new HashMap<>();
        homes.values().forEach(at -> at.forEach(r -> counts.merge(r, 1, Integer::sum)));
        return counts;
    }
}
