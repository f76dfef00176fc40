package io.qgate.gateway.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestWindowTest {

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final RequestWindow window = new RequestWindow(clock::get);

    private void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    @Test
    void rateAndMeanLatencyOverTheLastMinute() {
        advance(Duration.ofSeconds(60));
        for (int second = 0; second < 60; second++) {
            for (int i = 0; i < 10; i++) {
                window.received();
                window.answered(Duration.ofMillis(second < 30 ? 100 : 300).toNanos());
            }
            advance(Duration.ofSeconds(1));
        }
        advance(Duration.ofMillis(-1));

        assertThat(window.rate()).isCloseTo(10.0, within(1e-9));
        assertThat(window.averageLatencySeconds()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void oldSecondsFallOutOfTheWindow() {
        for (int i = 0; i < 120; i++) {
            window.received();
        }
        window.answered(Duration.ofSeconds(2).toNanos());
        advance(Duration.ofSeconds(61));

        assertThat(window.rate()).isZero();
        assertThat(window.averageLatencySeconds()).isZero();
        window.received();
        assertThat(window.rate()).isCloseTo(1.0 / 60, within(1e-9));
    }

    @Test
    void aYoungGatewayDividesByItsUptime() {
        advance(Duration.ofSeconds(4));
        for (int i = 0; i < 20; i++) {
            window.received();
        }

        assertThat(window.rate()).isCloseTo(5.0, within(1e-9));
    }
}
