package io.qgate.bench.study.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When the system soak does what to whom, derived from the run's length alone. The issue's
 * periods are those of a 30-minute run (a replica reset every minute, a gateway killed and one
 * drained every 10 minutes, a 3x burst of 20 s every 5 minutes); a shorter run scales them down,
 * each to a floor, so that even the CI's short run sees every fault at least once.
 *
 * @param steps every fault and change of traffic, in time order
 */
record FaultPlan(List<Step> steps) {

    /** What happens at one moment. */
    enum Kind {
        /** A pool's replica is reset (every connection RST) and restarted {@code forMillis} later. */
        REPLICA_RESET,
        /** A gateway gets SIGKILL and is started again (on a new port) {@code forMillis} later. */
        GATEWAY_SIGKILL,
        /** A gateway gets SIGTERM, drains, exits, and is started again once it has. */
        GATEWAY_SIGTERM,
        /** A replica holds everything it receives for {@code forMillis}, then serves it. */
        REPLICA_HANG,
        /** A replica answers every API request 500 for {@code forMillis}. */
        REPLICA_500,
        /** Twice the base rate on top of it (3x in all) for {@code forMillis}. */
        BURST,
        /** The churning pool's discovery file: the extra replica is listed, then not ready, then gone. */
        CHURN,
        /** The pool scaled from zero gets traffic for {@code forMillis}, then none until the next. */
        ZERO_POOL_TRAFFIC
    }

    /**
     * @param index     the occurrence of its kind (round robin over replicas, the churn's phase)
     * @param forMillis how long it lasts, where that applies
     */
    record Step(long atMillis, Kind kind, int index, long forMillis) {}

    /** The run, whose periods are taken as they are. */
    static final Duration NOMINAL = Duration.ofMinutes(30);

    FaultPlan {
        steps = List.copyOf(steps);
    }

    static FaultPlan of(Duration duration) {
        long length = duration.toMillis();
        double scale = Math.min(1, (double) length / NOMINAL.toMillis());
        List<Step> steps = new ArrayList<>();
        // Faults stop a little before the end, so that what they start (a restart) ends within the run.
        long last = length - Math.max(3_000, length / 20);

        long resetEvery = scaled(60_000, scale, 8_000);
        long down = scaled(5_000, scale, 2_000);
        every(steps, Kind.REPLICA_RESET, resetEvery, resetEvery, last - down, down);

        long gatewayEvery = scaled(600_000, scale, 20_000);
        long gatewayDown = scaled(10_000, scale, 2_000);
        every(steps, Kind.GATEWAY_SIGKILL, (long) (gatewayEvery * 0.3), gatewayEvery, last, gatewayDown);
        every(steps, Kind.GATEWAY_SIGTERM, (long) (gatewayEvery * 0.65), gatewayEvery, last, 0);

        long stall = scaled(30_000, scale, 3_000);
        steps.add(new Step((long) (length * 0.2), Kind.REPLICA_HANG, 0, stall));
        steps.add(new Step((long) (length * 0.5), Kind.REPLICA_500, 0, stall));

        long burstEvery = scaled(300_000, scale, 15_000);
        every(steps, Kind.BURST, burstEvery / 2, burstEvery, last, scaled(20_000, scale, 3_000));

        long churnEvery = scaled(30_000, scale, 4_000);
        every(steps, Kind.CHURN, churnEvery, churnEvery, last, 0);

        long zeroEvery = scaled(300_000, scale, 20_000);
        every(steps, Kind.ZERO_POOL_TRAFFIC, 0, zeroEvery, last, (long) (zeroEvery * 0.4));

        steps.sort(Comparator.comparingLong(Step::atMillis));
        return new FaultPlan(steps);
    }

    /** How long the pool scaled from zero waits without demand before its replica goes: well inside a quiet phase. */
    static long cooldownMillis(Duration duration) {
        return scaled(30_000, Math.min(1, (double) duration.toMillis() / NOMINAL.toMillis()), 3_000);
    }

    /** A replica's modelled load time when the pool wakes. */
    static long wakeMillis(Duration duration) {
        return scaled(5_000, Math.min(1, (double) duration.toMillis() / NOMINAL.toMillis()), 1_000);
    }

    List<Step> of(Kind kind) {
        return steps.stream().filter(step -> step.kind() == kind).toList();
    }

    private static void every(List<Step> steps, Kind kind, long first, long period, long last, long length) {
        int index = 0;
        for (long at = first; at <= last; at += period) {
            steps.add(new Step(at, kind, index++, length));
        }
    }

    private static long scaled(long nominalMillis, double scale, long floorMillis) {
        return Math.max(floorMillis, Math.round(nominalMillis * scale));
    }
}
