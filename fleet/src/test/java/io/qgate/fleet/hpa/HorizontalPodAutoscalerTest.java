package io.qgate.fleet.hpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Whole syncs of the controller: bounds, stabilization windows, rate limits and several metrics, by hand. */
class HorizontalPodAutoscalerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final HpaMetric RATE = new HpaMetric.AverageValue("rate", 10);
    private static final HpaMetric QUEUE = new HpaMetric.AverageValue("queue", 5);

    @Test
    void aCountOutsideTheBoundsIsBroughtInside() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaSpec.of(2, 10, List.of(RATE)));
        assertThat(hpa.reconcile(0, 1, 1, rate(1000)).replicas()).isEqualTo(2);
        assertThat(new HorizontalPodAutoscaler(HpaSpec.of(2, 10, List.of(RATE))).reconcile(0, 20, 20, rate(0))
                .replicas()).isEqualTo(10);
    }

    @Test
    void recommendationsAreClampedToMinAndMax() {
        HpaSpec spec = HpaSpec.of(2, 10, List.of(RATE)).withBehavior(unlimitedUp(), unlimitedDownNoWindow());
        // 500 / 10 = 50 pods wanted, 10 allowed.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 5, 5, rate(500)))
                .extracting(HorizontalPodAutoscaler.Decision::replicas, HorizontalPodAutoscaler.Decision::reason)
                .containsExactly(10, "TooManyReplicas");
        // No traffic: 0 wanted, 2 kept.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 5, 5, rate(0)))
                .extracting(HorizontalPodAutoscaler.Decision::replicas, HorizontalPodAutoscaler.Decision::reason)
                .containsExactly(2, "TooFewReplicas");
    }

    @Test
    void defaultScaleUpAddsFourPodsOrDoublesPerFifteenSeconds() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaSpec.of(1, 100, List.of(RATE)));
        // From 2: max(2 + 4, ceil(2 x 2)) = 6.
        assertThat(hpa.reconcile(0, 2, 2, rate(1000)).replicas()).isEqualTo(6);
        // 10 s later the +4 is still inside the 15 s period: the period started at 2, so 6 is the limit.
        assertThat(hpa.reconcile(10 * SECOND, 6, 6, rate(1000))).extracting(HorizontalPodAutoscaler.Decision::replicas,
                HorizontalPodAutoscaler.Decision::reason).containsExactly(6, "ScaleUpLimit");
        // At 15 s the event has left the period (only events strictly inside it count): max(6 + 4, 12) = 12.
        assertThat(hpa.reconcile(15 * SECOND, 6, 6, rate(1000)).replicas()).isEqualTo(12);
        // At 30 s: max(16, 24) = 24.
        assertThat(hpa.reconcile(30 * SECOND, 12, 12, rate(1000)).replicas()).isEqualTo(24);
    }

    @Test
    void selectPolicyMinTakesTheSmallestChange() {
        ScalingRules up = new ScalingRules(0, SelectPolicy.MIN,
                List.of(ScalingPolicy.pods(4, 60), ScalingPolicy.percent(100, 60)), 0.1);
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE)).withBehavior(up, ScalingRules.defaultScaleDown());
        // From 10: min(10 + 4, 20) = 14.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 10, 10, rate(1000)).replicas()).isEqualTo(14);
        // With Max it would have been 20.
        ScalingRules max = new ScalingRules(0, SelectPolicy.MAX, up.policies(), 0.1);
        assertThat(new HorizontalPodAutoscaler(HpaSpec.of(1, 100, List.of(RATE))
                .withBehavior(max, ScalingRules.defaultScaleDown())).reconcile(0, 10, 10, rate(1000)).replicas())
                .isEqualTo(20);
    }

    @Test
    void percentPoliciesRoundUpWhenGrowingAndDownWhenShrinking() {
        ScalingRules up = new ScalingRules(0, SelectPolicy.MAX, List.of(ScalingPolicy.percent(10, 60)), 0.1);
        ScalingRules down = new ScalingRules(0, SelectPolicy.MAX, List.of(ScalingPolicy.percent(10, 60)), 0.1);
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE)).withBehavior(up, down);
        // ceil(5 x 1.1) = ceil(5.5) = 6.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 5, 5, rate(1000)).replicas()).isEqualTo(6);
        // floor(5 x 0.9) = floor(4.5) = 4.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 5, 5, rate(0)).replicas()).isEqualTo(4);
    }

    @Test
    void disabledDirectionNeverMoves() {
        ScalingRules down = new ScalingRules(0, SelectPolicy.DISABLED, List.of(), 0.1);
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE)).withBehavior(ScalingRules.defaultScaleUp(), down);
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(spec);
        assertThat(hpa.reconcile(0, 8, 8, rate(0)).replicas()).isEqualTo(8);
        assertThat(hpa.reconcile(600 * SECOND, 8, 8, rate(0)).replicas()).isEqualTo(8);
        // Up still works: 200 / 10 = 20, limited to max(8 + 4, 16) = 16.
        assertThat(hpa.reconcile(615 * SECOND, 8, 8, rate(200)).replicas()).isEqualTo(16);
    }

    @Test
    void scaleDownFollowsTheHighestRecommendationOfTheWindow() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaSpec.of(1, 100, List.of(RATE)));
        // The first sync remembers the current 10; the metric wants 4 from then on.
        for (long t = 0; t < 300; t += 15) {
            assertThat(hpa.reconcile(t * SECOND, 10, 10, rate(40))).extracting(
                    HorizontalPodAutoscaler.Decision::replicas, HorizontalPodAutoscaler.Decision::reason)
                    .containsExactly(10, "ScaleDownStabilized");
        }
        // At 300 s the recommendations of t = 0 are no longer inside the 300 s window: 4.
        assertThat(hpa.reconcile(300 * SECOND, 10, 10, rate(40)).replicas()).isEqualTo(4);
    }

    @Test
    void aPeakInsideTheDownWindowHoldsTheCount() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaSpec.of(1, 100, List.of(RATE)));
        assertThat(hpa.reconcile(0, 4, 4, rate(40)).replicas()).isEqualTo(4);
        // A burst recommends 8 at 15 s (and gets it), then traffic is back to 4 pods' worth.
        assertThat(hpa.reconcile(15 * SECOND, 4, 4, rate(80)).replicas()).isEqualTo(8);
        assertThat(hpa.reconcile(30 * SECOND, 8, 8, rate(40)).replicas()).isEqualTo(8);
        assertThat(hpa.reconcile(300 * SECOND, 8, 8, rate(40)).replicas()).isEqualTo(8);
        // The 8 of t = 15 s leaves the window after 315 s.
        assertThat(hpa.reconcile(315 * SECOND, 8, 8, rate(40)).replicas()).isEqualTo(4);
    }

    @Test
    void scaleUpWindowTakesTheLowestRecentRecommendation() {
        ScalingRules up = ScalingRules.defaultScaleUp().withStabilizationWindowSeconds(60);
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE)).withBehavior(up, ScalingRules.defaultScaleDown());
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(spec);
        // Remembered 4 at t = 0 keeps the count at 4 for a minute although the metric wants 6, 8, 7.
        assertThat(hpa.reconcile(0, 4, 4, rate(60)).replicas()).isEqualTo(4);
        assertThat(hpa.reconcile(15 * SECOND, 4, 4, rate(80)).replicas()).isEqualTo(4);
        assertThat(hpa.reconcile(30 * SECOND, 4, 4, rate(70)).replicas()).isEqualTo(4);
        // At 60 s the t = 0 entries (4 and 6) are out: min(8, 7, 9) = 7.
        assertThat(hpa.reconcile(60 * SECOND, 4, 4, rate(90)).replicas()).isEqualTo(7);
    }

    @Test
    void severalMetricsTakeTheLargestRecommendation() {
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE, QUEUE)).withBehavior(unlimitedUp(), unlimitedDownNoWindow());
        // rate: 60 / 10 = 6; queue: 40 / 5 = 8 -> 8.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 4, 4, readings(Map.of("rate", 60.0, "queue", 40.0)))
                .replicas()).isEqualTo(8);
        // An empty queue does not pull below what the rate needs: max(6, 0) = 6.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 10, 10, readings(Map.of("rate", 60.0, "queue", 0.0)))
                .replicas()).isEqualTo(6);
    }

    @Test
    void aMissingMetricBlocksScaleDownButNotScaleUp() {
        HpaSpec spec = HpaSpec.of(1, 100, List.of(RATE, QUEUE)).withBehavior(unlimitedUp(), unlimitedDownNoWindow());
        // Only the rate is known and wants 3 of 10: no change.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 10, 10, readings(Map.of("rate", 30.0))))
                .extracting(HorizontalPodAutoscaler.Decision::replicas, HorizontalPodAutoscaler.Decision::reason)
                .containsExactly(10, "FailedGetMetrics");
        // It wants 20: up it goes.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 10, 10, readings(Map.of("rate", 200.0)))
                .replicas()).isEqualTo(20);
        // Nothing known: nothing done.
        assertThat(new HorizontalPodAutoscaler(spec).reconcile(0, 10, 10, readings(Map.of())).replicas())
                .isEqualTo(10);
    }

    @Test
    void withinToleranceNothingChanges() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaSpec.of(1, 100, List.of(RATE)));
        // 105 / (10 x 10) = 1.05.
        assertThat(hpa.reconcile(0, 10, 10, rate(105))).extracting(HorizontalPodAutoscaler.Decision::replicas,
                HorizontalPodAutoscaler.Decision::recommended).containsExactly(10, 10);
    }

    private static ScalingRules unlimitedUp() {
        return new ScalingRules(0, SelectPolicy.MAX, List.of(ScalingPolicy.percent(1000, 15)), 0.1);
    }

    private static ScalingRules unlimitedDownNoWindow() {
        return new ScalingRules(0, SelectPolicy.MAX, List.of(ScalingPolicy.percent(100, 15)), 0.1);
    }

    private static MetricReadings rate(double value) {
        return readings(Map.of("rate", value));
    }

    private static MetricReadings readings(Map<String, Double> values) {
        return new MetricReadings() {
            @Override
            public List<PodCpu> cpu() {
                return List.of();
            }

            @Override
            public OptionalDouble value(String name) {
                Double value = values.get(name);
                return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
            }
        };
    }
}
