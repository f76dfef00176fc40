package io.qgate.fleet.hpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One metric's recommendation, each case worked out by hand from the documented algorithm. */
class ReplicaCalculatorTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 3600 * SECOND;
    private static final ScalingRules UP = ScalingRules.defaultScaleUp();
    private static final ScalingRules DOWN = ScalingRules.defaultScaleDown();

    @Test
    void averageValueDividesTheTotalByTheTarget() {
        // 450 / 100 = 4.5 -> 5, whatever the current count (ratio 450 / 300 = 1.5 is outside the tolerance).
        assertThat(ReplicaCalculator.averageValue(450, 100, 3, UP, DOWN)).isEqualTo(5);
        // 180 / 100 -> 2 (ratio 0.6).
        assertThat(ReplicaCalculator.averageValue(180, 100, 3, UP, DOWN)).isEqualTo(2);
        // Nothing at all -> 0; the controller then applies minReplicas.
        assertThat(ReplicaCalculator.averageValue(0, 100, 3, UP, DOWN)).isZero();
    }

    @Test
    void averageValueWithinTheToleranceKeepsTheCount() {
        // 320 / (100 x 3) = 1.067 and 280 / 300 = 0.933: within 10%.
        assertThat(ReplicaCalculator.averageValue(320, 100, 3, UP, DOWN)).isEqualTo(3);
        assertThat(ReplicaCalculator.averageValue(280, 100, 3, UP, DOWN)).isEqualTo(3);
        // 330 / 300 = 1.1 is still within (the bound is inclusive); 331 is not: ceil(3.31) = 4.
        assertThat(ReplicaCalculator.averageValue(330, 100, 3, UP, DOWN)).isEqualTo(3);
        assertThat(ReplicaCalculator.averageValue(331, 100, 3, UP, DOWN)).isEqualTo(4);
        // The tolerance is checked against the pods the workload has (status), not a desired count.
        assertThat(ReplicaCalculator.averageValue(331, 100, 4, UP, DOWN)).isEqualTo(4);
    }

    @Test
    void toleranceCanDifferByDirection() {
        ScalingRules eagerUp = new ScalingRules(0, SelectPolicy.MAX, UP.policies(), 0.0);
        // 305 / 300 = 1.017: outside a zero up-tolerance -> ceil(3.05) = 4.
        assertThat(ReplicaCalculator.averageValue(305, 100, 3, eagerUp, DOWN)).isEqualTo(4);
        // 285 / 300 = 0.95: still inside the 10% down-tolerance.
        assertThat(ReplicaCalculator.averageValue(285, 100, 3, eagerUp, DOWN)).isEqualTo(3);
    }

    @Test
    void cpuIsUsageOverRequestsAgainstTheTarget() {
        // 3000m of 4000m = 75%; target 50% -> ratio 1.5 -> ceil(1.5 x 4) = 6.
        List<PodCpu> pods = List.of(ready(900), ready(800), ready(700), ready(600));
        assertThat(cpu(4, 50, pods)).hasValue(6);
        // 1200m of 4000m = 30% -> ratio 0.6 -> ceil(2.4) = 3.
        assertThat(cpu(4, 50, List.of(ready(300), ready(300), ready(300), ready(300)))).hasValue(3);
    }

    @Test
    void cpuUtilizationIsAWholePercentageBeforeTheToleranceCheck() {
        // 2239m of 4000m = 55.975%, truncated to 55% -> ratio 1.1: within the tolerance.
        assertThat(cpu(4, 50, List.of(ready(560), ready(560), ready(560), ready(559)))).hasValue(4);
        // 2240m = 56% -> 1.12 -> ceil(4.48) = 5.
        assertThat(cpu(4, 50, List.of(ready(560), ready(560), ready(560), ready(560)))).hasValue(5);
    }

    @Test
    void startingPodsCountAsIdleWhenScalingUp() {
        // Ready pods alone: 2000m of 2000m = 100% -> ratio 2. With the starting pod at 0:
        // 2000m of 3000m = 66% -> 1.32 -> ceil(1.32 x 3) = ceil(3.96) = 4.
        List<PodCpu> pods = List.of(ready(1000), ready(1000), starting());
        assertThat(cpu(3, 50, pods)).hasValue(4);
    }

    @Test
    void startingPodsThatWouldReverseTheDirectionMeanNoChange() {
        // Ready: 1800m of 2000m = 90% -> 1.8. With two starting pods at 0: 1800 / 4000 = 45% -> 0.9 < 1: keep 4.
        List<PodCpu> pods = List.of(ready(900), ready(900), starting(), starting());
        assertThat(cpu(4, 50, pods)).hasValue(4);
    }

    @Test
    void startingPodsAreLeftOutWhenScalingDown() {
        // Ready: 400m of 2000m = 20% -> 0.4 -> ceil(0.8) = 1; the starting pods do not enter the sum.
        List<PodCpu> pods = List.of(ready(200), ready(200), starting(), starting());
        assertThat(cpu(4, 50, pods)).hasValue(1);
    }

    @Test
    void podsWithoutSamplesHoldBackAScaleDown() {
        // 4 x 100m of 4000m = 10% -> 0.2. The pod without a sample counts as its whole request:
        // 1400m of 5000m = 28% -> 0.56 -> ceil(2.8) = 3.
        List<PodCpu> pods = new ArrayList<>(List.of(ready(100), ready(100), ready(100), ready(100)));
        pods.add(noSample());
        assertThat(cpu(5, 50, pods)).hasValue(3);
    }

    @Test
    void podsWithoutSamplesCountAsIdleWhenScalingUp() {
        // 2 x 1000m = 100% -> 2. With the pod without a sample at 0: 2000 / 3000 = 66% -> ceil(3.96) = 4.
        assertThat(cpu(3, 50, List.of(ready(1000), ready(1000), noSample()))).hasValue(4);
    }

    @Test
    void aFreshlyReadyPodCountsOnlyOnceAWholeSampleFollowsItsReadiness() {
        long window = 30 * SECOND;
        // Started 60 s ago (inside the 5 min initialisation period), ready 20 s ago: its 30 s sample began before.
        PodCpu fresh = new PodCpu(false, false, true, NOW - 60 * SECOND, NOW - 20 * SECOND, true, 1000, NOW,
                window, 1000);
        // So only the other pod counts: 200m of 1000m = 20% -> 0.4 -> ceil(0.4) = 1 (and the fresh pod is not
        // counted at all when scaling down).
        assertThat(cpu(2, 50, List.of(ready(200), fresh))).hasValue(1);
        // Ready 40 s ago: the sample lies wholly after it, so it counts: 1200m of 2000m = 60% -> 1.2 -> ceil(2.4) = 3.
        PodCpu settled = new PodCpu(false, false, true, NOW - 60 * SECOND, NOW - 40 * SECOND, true, 1000, NOW,
                window, 1000);
        assertThat(cpu(2, 50, List.of(ready(200), settled))).hasValue(3);
    }

    @Test
    void deletedPodsAreIgnored() {
        PodCpu deleted = new PodCpu(true, false, true, 0, 0, true, 1000, NOW, 30 * SECOND, 1000);
        // Only the live pod: 500m of 1000m = 50% -> within -> current (2).
        assertThat(cpu(2, 50, List.of(ready(500), deleted))).hasValue(2);
    }

    @Test
    void noUsableSampleMeansNoRecommendation() {
        assertThat(cpu(2, 50, List.of(starting(), noSample()))).isEmpty();
    }

    private static OptionalInt cpu(int current, int target, List<PodCpu> pods) {
        return ReplicaCalculator.cpuUtilization(current, target, pods, NOW, 300 * SECOND, 30 * SECOND, UP, DOWN);
    }

    /** Ready long ago, a fresh 30 s sample of {@code usage} millicores, 1000m requested. */
    private static PodCpu ready(long usage) {
        return new PodCpu(false, false, true, 0, 10 * SECOND, true, usage, NOW, 30 * SECOND, 1000);
    }

    /** Started 30 s ago, still loading (not ready), with a sample. */
    private static PodCpu starting() {
        return new PodCpu(false, false, false, NOW - 30 * SECOND, NOW - 30 * SECOND, true, 800, NOW, 30 * SECOND,
                1000);
    }

    private static PodCpu noSample() {
        return new PodCpu(false, false, true, 0, 10 * SECOND, false, 0, 0, 0, 1000);
    }
}
