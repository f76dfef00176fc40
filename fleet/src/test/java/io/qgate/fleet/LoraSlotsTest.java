package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The adapter slots alone: who may run, who must be loaded, who is evicted. */
class LoraSlotsTest {

    private final LoraSlots slots = new LoraSlots(2);

    @Test
    void aLoadedAdapterCostsNothingAndAThirdEvictsTheIdleOne() {
        assertThat(slots.start("a")).as("first use loads").isTrue();
        assertThat(slots.start("a")).as("loaded already").isFalse();
        assertThat(slots.start("b")).isTrue();
        slots.finish("b");
        assertThat(slots.start("c")).as("evicts b, the idle one, not a").isTrue();
        slots.finish("c");
        assertThat(slots.start("a")).as("a stayed loaded").isFalse();
        assertThat(slots.start("b")).as("b was evicted").isTrue();
        assertThat(slots.loads()).isEqualTo(4);
        assertThat(slots.running()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void anIdleAdapterStaysLoadedUntilAnotherNeedsItsSlot() {
        slots.start("a");
        slots.finish("a");
        slots.start("b");
        slots.finish("b");
        assertThat(slots.start("a")).isFalse();
        slots.finish("a");
        assertThat(slots.start("c")).as("evicts b, the least recently used").isTrue();
        slots.finish("c");
        assertThat(slots.start("a")).isFalse();
        assertThat(slots.start(null)).isFalse();
    }

    @Test
    void whenEveryLoadedAdapterRunsTheLeastRecentlyUsedIsSwappedOut() {
        slots.start("a");
        slots.start("b");
        assertThat(slots.start("c")).isTrue();
        assertThat(slots.start("b")).as("b stayed").isFalse();
        assertThat(slots.start("a")).as("a was swapped out though it ran").isTrue();
        assertThat(slots.loads()).isEqualTo(4);
    }

    @Test
    void maxLorasMustBePositive() {
        assertThatThrownBy(() -> new LoraSlots(0)).hasMessage("maxLoras: 0 (expected: > 0)");
        assertThat(slots.maxLoras()).isEqualTo(2);
    }
}
