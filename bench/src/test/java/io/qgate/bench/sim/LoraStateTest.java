package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a scrape reads of the adapter slots. */
class LoraStateTest {

    private final LoraState state = new LoraState(2);

    @Test
    void publishesTheRunningAndWaitingAdaptersAsVllmLabelsThem() {
        state.slots.start("a");
        state.slots.start("a");
        state.slots.start("b");
        Prompt p = Prompt.ofText("hi");
        SequenceListener none = new SequenceListener() {
            @Override
            public void onToken(int index) {
            }

            @Override
            public void onFinish(FinishReason reason) {
            }
        };
        state.publish(List.of(new Sequence(p, 1, FinishReason.STOP, none, 1, "c", 0),
                new Sequence(p, 1, FinishReason.STOP, none, 1, null, 0),
                new Sequence(p, 1, FinishReason.STOP, none, 1, "c", 0)));
        assertThat(state.runningView().split(",")).containsExactlyInAnyOrder("a", "b");
        assertThat(state.waitingView()).isEqualTo("c");
        assertThat(state.maxLoras()).isEqualTo(2);
    }
}
