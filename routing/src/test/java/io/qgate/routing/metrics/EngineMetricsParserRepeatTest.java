package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser keeps no state between scrapes that could drift: the 100,000th reading is the first. */
class EngineMetricsParserRepeatTest {

    @Test
    void hundredThousandParsesOfTheFixtureReadTheSame() {
        EngineMetricsParser parser = new EngineMetricsParser(EngineProfile.VLLM);
        ByteBuffer fixture = ByteBuffer.wrap(Fixtures.bytes(Fixtures.VLLM_V1));
        EngineMetrics first = parser.parse(fixture);
        assertThat(first.waiting()).isEqualTo(13);

        int differing = 0;
        for (int n = 0; n < 100_000; n++) {
            if (!parser.parse(fixture).equals(first)) {
                differing++;
            }
        }
        assertThat(differing).isZero();
        assertThat(fixture.position()).isZero();
    }
}
