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
    void eventsScheduledByEventsComeOutInTimeThenSchedulingOrder() {
        for (long seed = 1; seed <= 20; seed++) {
            Simulation sim = new Simulation();
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            List<long[]> fired = new ArrayList<>();
            long[] scheduled = {0};
            for (int i = 0; i < 500; i++) {
                schedule(sim, random, fired, scheduled, random.nextLong(50));
            }
            sim.runUntil(1_000_000);
            assertThat(fired).hasSize((int) scheduled[0]);
            for (int i = 1; i < fired.size(); i++) {
                long[] before = fired.get(i - 1);
                long[] after = fired.get(i);
                assertThat(before[0] < after[0] || (before[0] == after[0] && before[1] < after[1]))
                        .as("seed %d: event %d at %d before event %d at %d", seed, before[1], before[0], after[1],
                                after[0]).isTrue();
            }
        }
    }

    /** An event at {@code at} that, fired, schedules up to two more, often at the same instant (many ties). */
    private static void schedule(Simulation sim, java.util.SplittableRandom random, List<long[]> fired,
                                 long[] scheduled, long at) {
        long id = scheduled[0]++;
        sim.at(at, () -> {
            fired.add(new long[] {sim.now(), id});
            if (scheduled[0] < 20_000) {
                for (int k = random.nextInt(3); k > 0; k--) {
                    schedule(sim, random, fired, scheduled, sim.now() + random.nextLong(3));
                }
            }
        });
    }

    @Test
    void aLaneFiresItsEventsAsTheHeapWouldHave() {
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(firedWithLane(seed, true)).as("seed %d", seed).isEqualTo(firedWithLane(seed, false));
        }
    }

    /** Events that schedule more, some a fixed 2 ns later, through a lane or through the heap: (time, id) as fired. */
    private static List<String> firedWithLane(long seed, boolean throughLane) {
        Simulation sim = new Simulation();
        DelayLane lane = sim.lane(2);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<String> fired = new ArrayList<>();
        long[] ids = {0};
        Runnable[] spawn = new Runnable[1];
        spawn[0] = () -> {
            long id = ids[0]++;
            Runnable action = () -> {
                fired.add(sim.now() + ":" + id);
                if (ids[0] < 5_000) {
                    for (int k = random.nextInt(3); k > 0; k--) {
                        spawn[0].run();
                    }
                }
            };
            if (random.nextBoolean()) {
                if (throughLane) {
                    lane.after(action);
                } else {
                    sim.after(2, action);
                }
            } else {
                sim.after(random.nextLong(4), action);
            }
        };
        for (int i = 0; i < 200; i++) {
            spawn[0].run();
        }
        sim.runUntil(1_000_000);
        assertThat(sim.pending()).isZero();
        return fired;
    }

    @Test
    void thePastCannotBeScheduled() {
        Simulation sim = new Simulation();
        sim.runUntil(50);
        assertThatThrownBy(() -> sim.at(49, () -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: >= now 50");
    }
}
