package io.qgate.gateway.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
                window.answered(200, Duration.ofMillis(second < 30 ? 100 : 300).toNanos(), -1);
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
        window.answered(200, Duration.ofSeconds(2).toNanos(), -1);
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

    @Test
    void recentSecondsCountOutcomesApartAndKeepPercentilesOfSuccessfulAnswers() {
        advance(Duration.ofSeconds(30));
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 10; i++) {
                window.received();
                window.answered(200, Duration.ofMillis(10 * (i + 1)).toNanos(), Duration.ofMillis(i + 1).toNanos());
            }
            // Instant refusals and errors: counted, but they would make the percentiles look fast.
            window.answered(429, 1_000, -1);
            window.answered(503, 2_000, -1);
            advance(Duration.ofSeconds(1));
        }
        // The current second has only begun: it is not part of the recent figures.
        window.answered(200, Duration.ofSeconds(30).toNanos(), 0);

        RecentRequests recent = window.recent(10);
        assertThat(recent.seconds()).isEqualTo(10);
        assertThat(recent.perSecond(recent.received())).isCloseTo(10.0, within(1e-9));
        assertThat(recent.perSecond(recent.answered())).isCloseTo(12.0, within(1e-9));
        assertThat(recent.perSecond(recent.rejected())).isCloseTo(1.0, within(1e-9));
        assertThat(recent.perSecond(recent.errors())).isCloseTo(1.0, within(1e-9));
        assertThat(recent.latency().count()).isEqualTo(100);
        // 10, 20, ..., 100 ms: the median lies between 50 and 60 ms, the p99 just below 100 ms.
        assertThat(recent.latency().quantileSeconds(0.5)).isBetween(0.040, 0.060);
        assertThat(recent.latency().quantileSeconds(0.99)).isCloseTo(0.100, within(0.025));
        assertThat(recent.firstByte().quantileSeconds(0.5)).isBetween(0.004, 0.006);
    }

    @Test
    void recentFiguresForgetOlderSecondsAndCoverOnlyTheUptime() {
        advance(Duration.ofMillis(2500));
        window.received();
        window.answered(200, Duration.ofMillis(5).toNanos(), -1);
        advance(Duration.ofMillis(600));

        RecentRequests young = window.recent(10);
        assertThat(young.seconds()).isEqualTo(3);
        assertThat(young.perSecond(young.received())).isCloseTo(1.0 / 3, within(1e-9));

        advance(Duration.ofSeconds(11));
        RecentRequests later = window.recent(10);
        assertThat(later.received()).isZero();
        assertThat(later.latency().quantileSeconds(0.5)).isNaN();
    }

    @Test
    void theRecentWindowFitsInTheRing() {
        assertThatThrownBy(() -> window.recent(60)).hasMessage("seconds: 60 (expected: 1 to 59)");
    }
}
