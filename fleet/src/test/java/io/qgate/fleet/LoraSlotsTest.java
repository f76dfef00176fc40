package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The adapter slots alone, by vLLM's rules: who may join the batch, who must be read from disk. */
class LoraSlotsTest {

    private final LoraSlots slots = new LoraSlots(2);

    @Test
    void whileTheSlotsAreFullOnlyTheRunningAdaptersJoin() {
        slots.start("a");
        slots.start("b");
        assertThat(slots.admits("c")).as("held back: a and b fill both slots").isFalse();
        assertThat(slots.admits("a")).isTrue();
        assertThat(slots.admits(null)).as("the base model needs no slot").isTrue();
        slots.start("a");
        slots.finish("b");
        assertThat(slots.admits("c")).as("b's last request left: its slot is free").isTrue();
        assertThat(slots.running()).containsExactly("a");
    }

    @Test
    void anAdapterIsLoadedWhenItJoinsTheBatchAndIsNotAmongTheLastUsed() {
        assertThat(slots.start("a")).as("first use reads it from disk").isTrue();
        assertThat(slots.start("a")).as("in the batch already").isFalse();
        assertThat(slots.start("b")).isTrue();
        slots.finish("a");
        slots.finish("a");
        slots.finish("b");
        assertThat(slots.start("a")).as("still held in memory").isFalse();
        slots.finish("a");
        assertThat(slots.start("c")).as("evicts b, the least recently used").isTrue();
        slots.finish("c");
        assertThat(slots.start("b")).as("b was evicted").isTrue();
        assertThat(slots.start("a")).as("a was evicted for b").isTrue();
        assertThat(slots.loads()).isEqualTo(5);
    }

    @Test
    void moreHostMemoryThanSlotsMeansFewerReads() {
        LoraSlots roomy = new LoraSlots(1, 3);
        for (String adapter : new String[] {"a", "b", "c", "a", "b", "c"}) {
            assertThat(roomy.admits(adapter)).isTrue();
            roomy.start(adapter);
            roomy.finish(adapter);
        }
        assertThat(roomy.loads()).as("each read once, then held").isEqualTo(3);
    }

    @Test
    void theLimitsAreChecked() {
        assertThatThrownBy(() -> new LoraSlots(0)).hasMessage(
                "maxLoras: 0, maxCpuLoras: 0 (expected: maxLoras > 0, maxCpuLoras >= maxLoras)");
        assertThatThrownBy(() -> new LoraSlots(2, 1)).hasMessageContaining("maxCpuLoras: 1");
        assertThat(slots.maxLoras()).isEqualTo(2);
    }
}
