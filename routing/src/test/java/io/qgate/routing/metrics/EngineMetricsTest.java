package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineMetricsTest {

    @Test
    void emptyReadingHasNothingFound() {
        assertThat(EngineMetrics.EMPTY.waitingFound()).isFalse();
        assertThat(EngineMetrics.EMPTY.runningFound()).isFalse();
        assertThat(EngineMetrics.EMPTY.kvCacheUsageFound()).isFalse();
        assertThat(EngineMetrics.EMPTY.models()).isEmpty();
    }

    @Test
    void valuesAreValidated() {
        assertThatThrownBy(() -> new EngineMetrics(-1, 0, 0.5, Set.of(), true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waiting: -1.0 (expected: finite and >= 0)");
        assertThatThrownBy(() -> new EngineMetrics(0, Double.POSITIVE_INFINITY, 0.5, Set.of(), true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("running: Infinity (expected: finite and >= 0)");
        assertThatThrownBy(() -> new EngineMetrics(0, 0, 1.5, Set.of(), true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kvCacheUsage: 1.5 (expected: 0..1 or NaN)");
    }
}
