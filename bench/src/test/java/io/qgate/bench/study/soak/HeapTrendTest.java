package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeapTrendTest {

    @Test
    void aSteadyClimbIsItsSlope() {
        HeapTrend trend = HeapTrend.fit(List.of(0.0, 1.0, 2.0, 3.0), List.of(10.0, 12.0, 14.0, 16.0));

        assertThat(trend.slopeMbPerMin()).isCloseTo(2.0, within(1e-9));
        assertThat(trend.flat(0.5)).isFalse();
    }

    @Test
    void noiseAroundALevelIsFlat() {
        HeapTrend trend = HeapTrend.fit(List.of(0.0, 1.0, 2.0, 3.0, 4.0), List.of(20.1, 19.8, 20.2, 19.9, 20.0));

        assertThat(trend.slopeMbPerMin()).isCloseTo(0.0, within(0.1));
        assertThat(trend.flat(0.5)).isTrue();
    }

    @Test
    void tooFewReadingsAreNotJudged() {
        HeapTrend trend = HeapTrend.fit(List.of(0.0, 1.0), List.of(10.0, 50.0));

        assertThat(trend.judged()).isFalse();
        assertThat(trend.flat(0.5)).isFalse();
    }
}
