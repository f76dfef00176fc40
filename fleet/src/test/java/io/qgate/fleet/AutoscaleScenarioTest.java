package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How targets are chosen from a sweep, on made-up results. */
class AutoscaleScenarioTest {

    private static final List<Trace> TRACES = List.of(Trace.step(100), Trace.ramp(100), Trace.diurnal(100));

    @Test
    void theCheapestTargetMeetingTheSmoothTracesWins() {
        List<AutoscaleRun.Result> runs = new ArrayList<>();
        // 50: meets both smooth traces, costly. 60: meets both, cheaper. 70: cheapest, misses the ramp.
        add(runs, ScalingSignal.rate(50), "ramp", 1.0, 500);
        add(runs, ScalingSignal.rate(50), "diurnal", 1.0, 600);
        add(runs, ScalingSignal.rate(60), "ramp", 1.0, 400);
        add(runs, ScalingSignal.rate(60), "diurnal", 0.99, 500);
        add(runs, ScalingSignal.rate(70), "ramp", 0.95, 300);
        add(runs, ScalingSignal.rate(70), "diurnal", 1.0, 400);
        // The step does not count towards the choice.
        add(runs, ScalingSignal.rate(60), "step", 0.2, 100);

        assertThat(AutoscaleScenario.choose(runs, TRACES, s -> s.kind().equals("rate")))
                .isEqualTo(ScalingSignal.rate(60));
    }

    @Test
    void withNoTargetMeetingTheObjectiveTheBestAttainmentWins() {
        List<AutoscaleRun.Result> runs = new ArrayList<>();
        add(runs, ScalingSignal.queue(10), "ramp", 0.7, 100);
        add(runs, ScalingSignal.queue(50), "ramp", 0.8, 900);
        assertThat(AutoscaleScenario.choose(runs, TRACES, s -> s.kind().equals("queue")))
                .isEqualTo(ScalingSignal.queue(50));
    }

    @Test
    void theQueueTargetIsTheCheapestWithinHalfAPointOfTheBest() {
        List<AutoscaleRun.Result> runs = new ArrayList<>();
        ScalingSignal small = ScalingSignal.rateAndQueue(60, 4);
        ScalingSignal medium = ScalingSignal.rateAndQueue(60, 20);
        ScalingSignal large = ScalingSignal.rateAndQueue(60, 200);
        add(runs, small, "step", 0.90, 700);
        add(runs, small, "ramp", 1.00, 410);
        add(runs, medium, "step", 0.90, 700);
        add(runs, medium, "ramp", 0.998, 400);
        // One minute fewer on the step: more than half a point below the best, however cheap.
        add(runs, large, "step", 0.867, 300);
        add(runs, large, "ramp", 1.00, 390);

        assertThat(AutoscaleScenario.chooseCombined(runs, List.of(small, medium, large),
                AutoscaleSetup.DEFAULT_BEHAVIOR)).isEqualTo(medium);
    }

    private static void add(List<AutoscaleRun.Result> runs, ScalingSignal signal, String trace, double slo,
                            double replicaMinutes) {
        Trace shape = TRACES.stream().filter(t -> t.name().equals(trace)).findFirst().orElseThrow();
        AutoscaleSetup setup = AutoscaleSetup.defaults(shape, signal, 2, 1);
        TtftLog.Stats none = new TtftLog.Stats(0, 0, 0, 0, 0);
        runs.add(new AutoscaleRun.Result(setup, List.of(), List.of(), slo, replicaMinutes, List.of(), none, 0, 0, 0, 0));
    }
}
