package io.qgate.bench.study.pools;

import io.qgate.bench.study.routing.ScenarioOptions;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the pools scenario.
 *
 * @param pool      one pool's replicas, time scale, workload and durations, as the routing
 *                  scenario's options say them ({@code replicas} is per pool)
 * @param overloadA the load offered to pool A, a multiple of one pool's capacity
 * @param loadB     the load offered to pool B, a fraction of one pool's capacity
 * @param out       where {@code results.json} and {@code report.md} go
 */
public record PoolsOptions(ScenarioOptions pool, double overloadA, double loadB, Path out) {

    public PoolsOptions {
        requireNonNull(pool, "pool");
        requireNonNull(out, "out");
        if (!(overloadA > 0) || !(loadB > 0) || Double.isInfinite(overloadA) || Double.isInfinite(loadB)) {
            throw new IllegalArgumentException("--overload " + overloadA + ", --light " + loadB
                    + " (expected: both > 0)");
        }
    }
}
