package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event loop of virtual time. */
class SimulationTest {

    @Test
    void eventsFireInTimeOrderAndSameInstantInSchedulingOrder() {
        Simulation sim = new Simulation();
        List<String> fired = new ArrayList<>();
        sim.at(30, () -> fired.add("c@" + sim.now()));
        sim.at(10, () -> fired.add("a@" + sim.now()));
        sim.at(20, () -> fired.add("b1@" + sim.now()));
        sim.at(20, () -> fired.add("b2@" + sim.now()));
        sim.at(10, () -> sim.after(0, () -> fired.add("a-then@" + sim.now())));

        sim.runUntil(100);

        assertThat(fired).containsExactly("a@10", "a-then@10", "b1@20", "b2@20", "c@30");
        assertThat(sim.now()).isEqualTo(100);
        assertThat(sim.eventsFired()).isEqualTo(6);
    }

    @Test
    void runUntilLeavesLaterEventsForLater() {
        Simulation sim = new Simulation();
        List<Long> fired = new ArrayList<>();
        sim.every(5, 10, () -> fired.add(sim.now()));

        sim.runUntil(30);
        assertThat(fired).containsExactly(5L, 15L, 25L);
        sim.runUntil(45);
        assertThat(fired).containsExactly(5L, 15L, 25L, 35L, 45L);
    }

    @Test
    void manyEventsComeOutSorted() {
        Simulation sim = new Simulation();
        List<Long> fired = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            long at = random.nextLong(1_000_000);
            sim.at(at, () -> fired.add(sim.now()));
        }
        sim.runUntil(1_000_000);
        assertThat(fired).hasSize(10_000).isSorted();
    }

    @Test
    void thePastCannotBeScheduled() {
        Simulation sim = new Simulation();
        sim.runUntil(50);
        assertThatThrownBy(() -> sim.at(49, () -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: >= now 50");
    }
}
