package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void theFullSoakKillsAReplicaEveryMinuteButTheLast() {
        SoakOptions full = SoakOptions.full(Path.of("out"));

        assertThat(full.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(full.loadFraction()).isEqualTo(0.7);
        assertThat(full.abortFraction()).isEqualTo(0.01);
        assertThat(full.killTimesMillis()).containsExactly(60_000, 120_000, 180_000, 240_000, 300_000, 360_000,
                420_000, 480_000, 540_000);
    }

    @Test
    void theQuickRunKillsOnce() {
        assertThat(SoakOptions.quick(Path.of("out")).killTimesMillis()).containsExactly(10_000);
    }

    @Test
    void flagsOverrideTheBaseQuickOrNot() {
        SoakOptions options = SoakOptions.parse(new String[] {"--duration", "90s", "--quick", "--rate", "40",
                "--out", "x", "--kill-every", "30s", "--gateway-heap", "512m"});

        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.probeDuration()).isEqualTo(SoakOptions.quick(Path.of("x")).probeDuration());
        assertThat(options.offeredRate(1000)).isEqualTo(40);
        assertThat(options.out()).isEqualTo(Path.of("x"));
        assertThat(options.killTimesMillis()).containsExactly(30_000, 60_000);
        assertThat(options.gatewayHeap()).isEqualTo("512m");
        assertThat(SoakOptions.parse(new String[0]).offeredRate(100)).isEqualTo(70, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void badFlagsAreRejectedByName() {
        assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--replicas", "1"}))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--abort-fraction", "2"}))
                .hasMessageContaining("abortFraction");
        assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--duration"})).hasMessageContaining("missing value");
        assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--nope", "1"})).hasMessageContaining("--nope");
    }
}
