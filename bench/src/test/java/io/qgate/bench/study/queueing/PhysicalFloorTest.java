package io.qgate.bench.study.queueing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The floor read from a slot log built by hand: the wait until the next free, from saturation on. */
class PhysicalFloorTest {

    private static final long MS = 1_000_000;

    @Test
    void waitsAreReadFromTheFirstSaturatedMomentToTheNextFree() {
        // Two slots, both taken at 100 ms; from then on one frees every 100 ms (and is taken again).
        long[] taken = {100 * MS, 100 * MS, 200 * MS, 300 * MS, 400 * MS, 500 * MS};
        long[] freed = {200 * MS, 300 * MS, 400 * MS, 500 * MS, 600 * MS};
        PhysicalFloor.Slots slots = new PhysicalFloor.Slots(taken, freed, 2, 0, 600 * MS);
        assertThat(slots.saturatedFrom()).isEqualTo(100 * MS);

        Histogram alone = new Histogram(3);
        alone.recordValue(50_000); // 50 ms alone, every time

        PhysicalFloor floor = PhysicalFloor.of(slots, alone, 1000);

        // Instants spread evenly over 100..600 ms meet a wait spread evenly over 0..100 ms.
        assertThat(floor.meanWaitNanos() / MS).isCloseTo(50, within(1.0));
        assertThat(floor.p90WaitNanos() / MS).isCloseTo(90, within(1.0));
        assertThat(floor.p90Nanos() / MS).isCloseTo(140, within(1.0));
        assertThat(floor.freesPerSecond()).isCloseTo(10, within(0.5));
    }

    @Test
    void aPoolThatNeverFillsHasNoFloor() {
        PhysicalFloor.Slots slots = new PhysicalFloor.Slots(new long[] {10 * MS}, new long[] {20 * MS}, 2, 0,
                100 * MS);
        Histogram alone = new Histogram(3);
        alone.recordValue(50_000);

        assertThat(slots.saturatedFrom()).isEqualTo(Long.MAX_VALUE);
        assertThat(PhysicalFloor.of(slots, alone, 100)).isNull();
    }

    @Test
    void aSlotFreedAsAnotherIsTakenDoesNotFillThePool() {
        PhysicalFloor.Slots slots = new PhysicalFloor.Slots(new long[] {10 * MS, 20 * MS}, new long[] {20 * MS}, 2, 0,
                100 * MS);

        assertThat(slots.saturatedFrom()).isEqualTo(Long.MAX_VALUE);
    }
}
