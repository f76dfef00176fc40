package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

    @TempDir
    Path dir;

    @Test
    void aStepJumpsAtItsInstant() {
        Trace step = Trace.step(100, 300, 600);
        assertThat(step.rate(0)).isEqualTo(100);
        assertThat(step.rate(299.9)).isEqualTo(100);
        assertThat(step.rate(300)).isEqualTo(300);
        assertThat(step.rate(899)).isEqualTo(300);
        assertThat(step.durationSeconds()).isEqualTo(900);
        assertThat(step.disturbances()).containsExactly(300.0);
        assertThat(step.expectedRequests()).isEqualTo(100 * 300 + 300 * 600);
    }

    @Test
    void aRampIsLinear() {
        Trace ramp = Trace.ramp(100);
        assertThat(ramp.rate(300)).isEqualTo(100);
        assertThat(ramp.rate(1200)).isCloseTo(250, within(1e-9));
        assertThat(ramp.rate(2100)).isEqualTo(400);
        assertThat(ramp.maxRate()).isEqualTo(400);
    }

    @Test
    void burstsAreFiveTimesTheBaseForTwoMinutes() {
        Trace bursty = Trace.bursty(100);
        assertThat(bursty.rate(599)).isEqualTo(100);
        assertThat(bursty.rate(600)).isEqualTo(500);
        assertThat(bursty.rate(719)).isEqualTo(500);
        assertThat(bursty.rate(720)).isEqualTo(100);
        assertThat(bursty.disturbances()).containsExactly(600.0, 2100.0);
    }

    @Test
    void theDiurnalTraceRunsFromNightToPeakAndBack() {
        Trace diurnal = Trace.diurnal(100);
        assertThat(diurnal.rate(0)).isCloseTo(30, within(1e-9));
        assertThat(diurnal.rate(3600)).isCloseTo(200, within(1e-9));
        assertThat(diurnal.rate(7200)).isCloseTo(30, within(1e-9));
    }

    @Test
    void theShiftDoublesOutputsButNotTheRate() {
        Trace shift = Trace.shift(100);
        assertThat(shift.rate(0)).isEqualTo(150);
        assertThat(shift.rate(1000)).isEqualTo(150);
        assertThat(shift.outputScale(299)).isEqualTo(1);
        assertThat(shift.outputScale(300)).isEqualTo(2);
    }

    @Test
    void aCsvGivesRatesAndOptionalOutputScales() throws IOException {
        Path file = dir.resolve("peak.csv");
        Files.writeString(file, """
                time_s,rate
                # a quiet start
                0,10
                60,10
                60,40
                120,20,1.5
                """);
        Trace trace = Trace.csv(file);
        assertThat(trace.name()).isEqualTo("peak");
        assertThat(trace.rate(30)).isEqualTo(10);
        assertThat(trace.rate(60)).isEqualTo(40);
        assertThat(trace.rate(90)).isEqualTo(30);
        assertThat(trace.outputScale(90)).isEqualTo(1.25);
        assertThat(trace.durationSeconds()).isEqualTo(120);
        assertThat(Trace.named(file.toString(), 1).rate(90)).isEqualTo(30);
    }

    @Test
    void aBadCsvSaysWhichLine() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "0,10\n60,ten\n");
        assertThatThrownBy(() -> Trace.csv(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("expected: time_s,rate");
        Files.writeString(file, "0,10\n30,5\n20,5\n");
        assertThatThrownBy(() -> Trace.csv(file)).hasMessageContaining("expected: times in order");
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> Trace.named("sawtooth", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: step, ramp, diurnal, bursty, shift");
    }
}
