package io.qgate.fleet.hpa;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The HPA controller's decision for one workload, one sync at a time, as documented for
 * {@code autoscaling/v2}:
 *
 * <ol>
 *   <li>A replica count outside [min, max] is brought inside at once.</li>
 *   <li>Otherwise each metric recommends a count ({@link ReplicaCalculator}) and the largest
 *       wins. A metric that cannot be computed is skipped, but then the HPA does not scale down;
 *       if none can be computed it does nothing.</li>
 *   <li>Stabilization: the controller remembers every recommendation. It will not go above the
 *       lowest recommendation of the scale-up window nor below the highest of the scale-down
 *       window (with the default 0 s up-window, scale-up follows the latest recommendation; the
 *       default 300 s down-window makes scale-down follow the highest of five minutes).</li>
 *   <li>Rate limits: each policy allows, from the count at the start of its sliding period
 *       (the current count minus what was added, plus what was removed, within the period), a
 *       number of pods or a percentage more (rounded up) or fewer (rounded down); selectPolicy
 *       takes the most permissive (Max), the least (Min), or forbids the direction (Disabled).
 *       The result is then kept within [min, max].</li>
 * </ol>
 *
 * <p>Time is passed in, so that tests and the simulation move it. Not thread-safe.
 */
public final class HorizontalPodAutoscaler {

    /**
     * @param replicas    the new {@code spec.replicas}
     * @param recommended what the metrics alone asked for (before stabilization and limits), or -1 when they could not say
     * @param reason      why the count is what it is, in the controller's condition vocabulary
     */
    public record Decision(int replicas, int recommended, String reason) {}

    private record Recommendation(int replicas, long atNanos) {}

    private record ScaleEvent(int change, long atNanos) {}

    private final HpaSpec spec;
    private final List<Recommendation> recommendations = new ArrayList<>();
    private final List<ScaleEvent> scaleUps = new ArrayList<>();
    private final List<ScaleEvent> scaleDowns = new ArrayList<>();
    private boolean seen;

    public HorizontalPodAutoscaler(HpaSpec spec) {
        this.spec = requireNonNull(spec, "spec");
    }

    public HpaSpec spec() {
        return spec;
    }

    /**
     * One sync.
     *
     * @param specReplicas   the workload's {@code spec.replicas}
     * @param statusReplicas the pods it has ({@code status.replicas}), which AverageValue targets divide by
     */
    public Decision reconcile(long nowNanos, int specReplicas, int statusReplicas, MetricReadings readings) {
        requireNonNull(readings, "readings");
        if (!seen) {
            // The first sync remembers the current count, so that a new HPA does not scale down at once.
            seen = true;
            recommendations.add(new Recommendation(specReplicas, nowNanos));
        }
        Decision decision;
        if (specReplicas > spec.maxReplicas()) {
            decision = new Decision(spec.maxReplicas(), -1, "AboveMaxReplicas");
        } else if (specReplicas < spec.minReplicas()) {
            decision = new Decision(spec.minReplicas(), -1, "BelowMinReplicas");
        } else {
            int recommended = recommend(nowNanos, specReplicas, statusReplicas, readings);
            if (recommended < 0) {
                return new Decision(specReplicas, -1, "FailedGetMetrics");
            }
            decision = normalize(nowNanos, specReplicas, recommended);
        }
        if (decision.replicas() != specReplicas) {
            record(nowNanos, specReplicas, decision.replicas());
        }
        return decision;
    }

    /** The largest metric recommendation; -1 when none can be computed, or some cannot and the rest would scale down. */
    private int recommend(long nowNanos, int specReplicas, int statusReplicas, MetricReadings readings) {
        int replicas = 0;
        boolean any = false;
        int invalid = 0;
        for (HpaMetric metric : spec.metrics()) {
            OptionalInt proposal;
            if (metric instanceof HpaMetric.CpuUtilization cpu) {
                proposal = ReplicaCalculator.cpuUtilization(specReplicas, cpu.targetPercent(), readings.cpu(),
                        nowNanos, spec.cpuInitializationPeriod().toNanos(), spec.initialReadinessDelay().toNanos(),
                        spec.scaleUp(), spec.scaleDown());
            } else {
                HpaMetric.AverageValue average = (HpaMetric.AverageValue) metric;
                OptionalDouble value = readings.value(average.name());
                proposal = value.isEmpty() ? OptionalInt.empty()
                        : OptionalInt.of(ReplicaCalculator.averageValue(value.getAsDouble(), average.target(),
                                statusReplicas, spec.scaleUp(), spec.scaleDown()));
            }
            if (proposal.isEmpty()) {
                invalid++;
                continue;
            }
            if (!any || proposal.getAsInt() > replicas) {
                replicas = proposal.getAsInt();
                any = true;
            }
        }
        if (invalid == spec.metrics().size() || (invalid > 0 && replicas < specReplicas)) {
            return -1;
        }
        return replicas;
    }

    private Decision normalize(long nowNanos, int current, int recommended) {
        int stabilized = stabilize(nowNanos, current, recommended);
        if (stabilized > current) {
            int limit = Math.max(current, scaleUpLimit(nowNanos, current));
            if (spec.maxReplicas() <= limit) {
                return stabilized > spec.maxReplicas()
                        ? new Decision(spec.maxReplicas(), recommended, "TooManyReplicas")
                        : new Decision(stabilized, recommended, "DesiredWithinRange");
            }
            return stabilized > limit ? new Decision(limit, recommended, "ScaleUpLimit")
                    : new Decision(stabilized, recommended, "DesiredWithinRange");
        }
        if (stabilized < current) {
            int limit = Math.min(current, scaleDownLimit(nowNanos, current));
            if (spec.minReplicas() >= limit) {
                return stabilized < spec.minReplicas()
                        ? new Decision(spec.minReplicas(), recommended, "TooFewReplicas")
                        : new Decision(stabilized, recommended, "DesiredWithinRange");
            }
            return stabilized < limit ? new Decision(limit, recommended, "ScaleDownLimit")
                    : new Decision(stabilized, recommended, "DesiredWithinRange");
        }
        return new Decision(current, recommended, stabilized == recommended ? "ReadyForNewScale"
                : recommended > current ? "ScaleUpStabilized" : "ScaleDownStabilized");
    }

    /** Keeps the count between the lowest recent recommendation (up-window) and the highest (down-window). */
    private int stabilize(long nowNanos, int current, int recommended) {
        long upCutoff = nowNanos - spec.scaleUp().stabilizationWindowSeconds() * 1_000_000_000L;
        long downCutoff = nowNanos - spec.scaleDown().stabilizationWindowSeconds() * 1_000_000_000L;
        int lowest = recommended;
        int highest = recommended;
        for (Recommendation past : recommendations) {
            if (past.atNanos() > upCutoff) {
                lowest = Math.min(lowest, past.replicas());
            }
            if (past.atNanos() > downCutoff) {
                highest = Math.max(highest, past.replicas());
            }
        }
        recommendations.removeIf(past -> past.atNanos() < upCutoff && past.atNanos() < downCutoff);
        recommendations.add(new Recommendation(recommended, nowNanos));
        return Math.min(Math.max(current, lowest), highest);
    }

    private int scaleUpLimit(long nowNanos, int current) {
        ScalingRules rules = spec.scaleUp();
        if (rules.selectPolicy() == SelectPolicy.DISABLED) {
            return current;
        }
        boolean most = rules.selectPolicy() == SelectPolicy.MAX;
        int result = most ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (ScalingPolicy policy : rules.policies()) {
            int periodStart = current - changeWithin(scaleUps, policy, nowNanos)
                    + changeWithin(scaleDowns, policy, nowNanos);
            int proposed = switch (policy.type()) {
                case PODS -> periodStart + policy.value();
                case PERCENT -> (int) Math.ceil(periodStart * (1 + policy.value() / 100.0));
            };
            result = most ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    private int scaleDownLimit(long nowNanos, int current) {
        ScalingRules rules = spec.scaleDown();
        if (rules.selectPolicy() == SelectPolicy.DISABLED) {
            return current;
        }
        // For scaling down the most permissive policy is the one that leaves the fewest pods.
        boolean most = rules.selectPolicy() == SelectPolicy.MAX;
        int result = most ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (ScalingPolicy policy : rules.policies()) {
            int periodStart = current - changeWithin(scaleUps, policy, nowNanos)
                    + changeWithin(scaleDowns, policy, nowNanos);
            int proposed = switch (policy.type()) {
                case PODS -> periodStart - policy.value();
                case PERCENT -> (int) (periodStart * (1 - policy.value() / 100.0));
            };
            result = most ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    private static int changeWithin(List<ScaleEvent> events, ScalingPolicy policy, long nowNanos) {
        long cutoff = nowNanos - policy.periodSeconds() * 1_000_000_000L;
        int sum = 0;
        for (ScaleEvent event : events) {
            if (event.atNanos() > cutoff) {
                sum += event.change();
            }
        }
        return sum;
    }

    private void record(long nowNanos, int from, int to) {
        boolean up = to > from;
        List<ScaleEvent> events = up ? scaleUps : scaleDowns;
        long cutoff = nowNanos - (up ? spec.scaleUp() : spec.scaleDown()).longestPeriodSeconds() * 1_000_000_000L;
        events.removeIf(event -> event.atNanos() < cutoff);
        events.add(new ScaleEvent(Math.abs(to - from), nowNanos));
    }
}
