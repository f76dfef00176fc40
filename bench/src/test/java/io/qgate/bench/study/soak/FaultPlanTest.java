package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    @Test
    void theThirtyMinuteRunHasTheIssuesPeriods() {
        FaultPlan plan = FaultPlan.of(Duration.ofMinutes(30));

        assertThat(plan.of(FaultPlan.Kind.REPLICA_RESET)).extracting(FaultPlan.Step::atMillis)
                .startsWith(60_000L, 120_000L, 180_000L);
        assertThat(plan.of(FaultPlan.Kind.GATEWAY_SIGKILL)).extracting(FaultPlan.Step::atMillis)
                .containsExactly(180_000L, 780_000L, 1_380_000L);
        assertThat(plan.of(FaultPlan.Kind.GATEWAY_SIGTERM)).hasSize(3);
        assertThat(plan.of(FaultPlan.Kind.BURST)).hasSize(6)
                .allSatisfy(burst -> assertThat(burst.forMillis()).isEqualTo(20_000L));
        assertThat(plan.of(FaultPlan.Kind.REPLICA_HANG)).singleElement()
                .satisfies(hang -> assertThat(hang.forMillis()).isEqualTo(30_000L));
    }

    @Test
    void aShortRunStillSeesEveryFaultWithinItsLength() {
        Duration twenty = Duration.ofSeconds(20);
        FaultPlan plan = FaultPlan.of(twenty);

        Arrays.stream(FaultPlan.Kind.values()).forEach(kind -> assertThat(plan.of(kind)).as(kind.name()).isNotEmpty());
        assertThat(plan.steps()).allSatisfy(step -> assertThat(step.atMillis() + step.forMillis())
                .isLessThanOrEqualTo(twenty.toMillis()));
        assertThat(plan.steps()).isSortedAccordingTo(java.util.Comparator.comparingLong(FaultPlan.Step::atMillis));
    }

    @Test
    void thePoolScaledFromZeroHasTimeToGoToZeroBetweenItsPhasesOfTraffic() {
        for (Duration length : new Duration[] {Duration.ofSeconds(20), Duration.ofMinutes(10), Duration.ofMinutes(30)}) {
            FaultPlan plan = FaultPlan.of(length);
            var phases = plan.of(FaultPlan.Kind.ZERO_POOL_TRAFFIC);
            long quiet = phases.size() < 2 ? length.toMillis() - phases.get(0).forMillis()
                    : phases.get(1).atMillis() - phases.get(0).atMillis() - phases.get(0).forMillis();
            assertThat(quiet).as(length.toString())
                    .isGreaterThan(FaultPlan.cooldownMillis(length) + FaultPlan.wakeMillis(length));
        }
    }
}
