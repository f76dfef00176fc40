package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet, the metrics pipeline and the HPA model together, on small traces. */
class AutoscaleRunTest {

    @Test
    void aRateTargetSizesTheFleetForTheStep() {
        // 50 req/s, then 150 for 8 minutes; 30 req/s per replica wanted: 2 pods, then 5.
        Trace step = Trace.step(50, 120, 480);
        AutoscaleRun.Result result = AutoscaleRun.run(AutoscaleSetup.defaults(step, ScalingSignal.rate(30), 2, 3));

        List<AutoscaleRun.Point> timeline = result.timeline();
        assertThat(timeline.get(0).desired()).isEqualTo(2);
        AutoscaleRun.Point last = timeline.get(timeline.size() - 1);
        assertThat(last.desired()).isEqualTo(5);
        // Model loading takes at most 120 s, plus the metric's lag: five ready well before the end.
        assertThat(timeline.stream().filter(p -> p.seconds() > 120 + 240).allMatch(p -> p.ready() == 5)).isTrue();
        // Before the step nobody scaled: 2 pods for 2 minutes is 4 replica-minutes of the total.
        assertThat(result.replicaMinutes()).isBetween(4.0 + 5 * 4.0, 2.0 * 10 + 5 * 8.0);
        assertThat(result.minutes()).hasSize(10);
        assertThat(result.failed()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        AutoscaleSetup setup = AutoscaleSetup.defaults(Trace.step(40, 60, 240), ScalingSignal.rateAndQueue(30, 20),
                2, 11);
        AutoscaleRun.Result first = AutoscaleRun.run(setup);
        AutoscaleRun.Result second = AutoscaleRun.run(setup);

        assertThat(second.timeline()).isEqualTo(first.timeline());
        assertThat(second.minutes()).isEqualTo(first.minutes());
        assertThat(second.replicaMinutes()).isEqualTo(first.replicaMinutes());
        assertThat(second.events()).isEqualTo(first.events());
    }

    @Test
    void cpuScalingWorksThroughTheReadinessRules() {
        // CPU target 40%: at 150 req/s the default model's pods run near 90% until new ones are ready.
        AutoscaleRun.Result result = AutoscaleRun.run(AutoscaleSetup.defaults(Trace.step(50, 120, 480),
                ScalingSignal.cpu(40), 2, 5));
        AutoscaleRun.Point last = result.timeline().get(result.timeline().size() - 1);
        assertThat(last.desired()).isGreaterThan(2);
        assertThat(last.ready()).isEqualTo(last.desired());
    }

    @Test
    void theGpuSignalScalesUpAndTheGpuMemorySignalNeverMoves() {
        Trace step = Trace.step(50, 120, 480);
        AutoscaleRun.Result gpu = AutoscaleRun.run(AutoscaleSetup.defaults(step, ScalingSignal.gpu(80), 2, 5));
        AutoscaleRun.Point last = gpu.timeline().get(gpu.timeline().size() - 1);
        assertThat(last.desired()).isGreaterThan(2);
        assertThat(last.gpuPercent()).isGreaterThan(90);

        // vLLM reserves the same memory at any load: 3x the load, and the fleet stays as it was.
        AutoscaleRun.Result memory = AutoscaleRun.run(AutoscaleSetup.defaults(step, ScalingSignal.gpuMemory(80_000),
                2, 5));
        assertThat(memory.timeline()).allSatisfy(p -> assertThat(p.desired()).isEqualTo(2));
    }

    @Test
    void recoveryRunsToTheEndOfTheLastMissedMinute() {
        TtftLog.Stats good = new TtftLog.Stats(100, 100, 80, 150, 90);
        TtftLog.Stats bad = new TtftLog.Stats(100, 100, 80, 5000, 900);
        TtftLog.Stats empty = new TtftLog.Stats(0, 0, 0, 0, 0);
        List<TtftLog.Stats> minutes = List.of(good, good, bad, good, bad, empty, good);

        // A jump at 130 s: minutes 2 and 4 missed; recovered at the end of minute 4 (300 s).
        assertThat(AutoscaleRun.recoverySeconds(minutes, 130, 420, 2000)).isEqualTo(170);
        // Nothing missed after 300 s.
        assertThat(AutoscaleRun.recoverySeconds(minutes, 300, 420, 2000)).isZero();
        // Only minutes before the next jump count.
        assertThat(AutoscaleRun.recoverySeconds(minutes, 100, 200, 2000)).isEqualTo(80);
    }
}
