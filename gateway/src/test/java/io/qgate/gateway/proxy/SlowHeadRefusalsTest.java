package io.qgate.gateway.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Heads past their deadline are answered at the configured rate, oldest first, on the event
 * loop's clock ticks: the gateway's clock is moved, and the loop's scheduled ticks are run by hand.
 */
class SlowHeadRefusalsTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<String> answered = new ArrayList<>();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A head that records its 408; {@code open} false: its client has gone. */
    private SlowHeadRefusals.Overdue head(String name, boolean open) {
        return () -> {
            if (open) {
                answered.add(name);
            }
            return open;
        };
    }

    /** Moves the gateway's clock and the loop's alike, and runs the ticks that fall due. */
    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void oneSlowHeadIsAnsweredAtOnce() {
        SlowHeadRefusals refusals = new SlowHeadRefusals(channel.eventLoop(), clock::get, 10);

        refusals.add(head("a", true));

        assertThat(answered).containsExactly("a");
        assertThat(refusals.waiting()).isZero();
    }

    @Test
    void manyTogetherAreAnsweredAtTheRateOldestFirst() {
        // Ten a second: one now (a tick's burst is below one, so one), then one every 100 ms.
        SlowHeadRefusals refusals = new SlowHeadRefusals(channel.eventLoop(), clock::get, 10);
        for (String name : List.of("a", "b", "c", "d")) {
            refusals.add(head(name, true));
        }
        assertThat(answered).containsExactly("a");
        assertThat(refusals.waiting()).isEqualTo(3);

        for (int tick = 0; tick < 9; tick++) {
            advanceMillis(SlowHeadRefusals.TICK_MILLIS);
        }
        assertThat(answered).containsExactly("a");

        advanceMillis(SlowHeadRefusals.TICK_MILLIS);
        assertThat(answered).containsExactly("a", "b");

        for (int tick = 0; tick < 20; tick++) {
            advanceMillis(SlowHeadRefusals.TICK_MILLIS);
        }
        assertThat(answered).containsExactly("a", "b", "c", "d");
        assertThat(refusals.waiting()).isZero();
    }

    @Test
    void aHeadWhoseClientLeftCostsNoTurn() {
        SlowHeadRefusals refusals = new SlowHeadRefusals(channel.eventLoop(), clock::get, 10);
        refusals.add(head("a", true));
        refusals.add(head("gone", false));
        refusals.add(head("b", true));

        for (int tick = 0; tick < 10; tick++) {
            advanceMillis(SlowHeadRefusals.TICK_MILLIS);
        }

        assertThat(answered).containsExactly("a", "b");
        assertThat(refusals.waiting()).isZero();
    }

    @Test
    void aHighRateAnswersATicksWorthAtOnce() {
        // 10,000 a second: 100 a tick.
        SlowHeadRefusals refusals = new SlowHeadRefusals(channel.eventLoop(), clock::get, 10_000);
        for (int i = 0; i < 150; i++) {
            refusals.add(head("h" + i, true));
        }
        assertThat(answered).hasSize(100);

        advanceMillis(SlowHeadRefusals.TICK_MILLIS);

        assertThat(answered).hasSize(150);
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> new SlowHeadRefusals(channel.eventLoop(), clock::get, 0))
                .hasMessageContaining("(expected: > 0)");
    }
}
