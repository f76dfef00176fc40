package io.qgate.bench.scenario;

import static io.qgate.bench.scenario.Configurations.LEAST_INFLIGHT;
import static io.qgate.bench.scenario.Configurations.PREFIX_AFFINITY;
import static io.qgate.bench.scenario.Configurations.PREFIX_QUEUE;
import static io.qgate.bench.scenario.Configurations.QUEUE_100MS;
import static io.qgate.bench.scenario.Configurations.QUEUE_1S;
import static io.qgate.bench.scenario.Configurations.ROUND_ROBIN;
import static io.qgate.bench.scenario.Configurations.UNCORRECTED_100MS;
import static io.qgate.bench.scenario.Configurations.UNCORRECTED_1S;

import java.util.List;

/** The targets, and the same ratios at the other interval for context. */
final class Ratios {

    private static final String P99_TTFT = "p99 TTFT";
    private static final String MEAN_TTFT = "mean TTFT";

    private Ratios() {}

    static List<Ratio> of(List<RowResult> rows) {
        return List.of(
                Ratio.of("queue / round-robin, 100 ms", P99_TTFT, row -> row.ttft().p99(),
                        QUEUE_100MS, ROUND_ROBIN, 0.5, false, rows),
                Ratio.of("queue / round-robin, 1 s", P99_TTFT, row -> row.ttft().p99(),
                        QUEUE_1S, ROUND_ROBIN, null, false, rows),
                Ratio.of("queue / least-inflight, 100 ms", P99_TTFT, row -> row.ttft().p99(),
                        QUEUE_100MS, LEAST_INFLIGHT, null, false, rows),
                Ratio.of("corrected / uncorrected, 1 s", P99_TTFT, row -> row.ttft().p99(),
                        QUEUE_1S, UNCORRECTED_1S, 0.5, false, rows),
                Ratio.of("corrected / uncorrected, 100 ms", P99_TTFT, row -> row.ttft().p99(),
                        QUEUE_100MS, UNCORRECTED_100MS, null, false, rows),
                Ratio.of("affinity / no affinity", MEAN_TTFT, row -> row.ttft().mean(),
                        PREFIX_AFFINITY, PREFIX_QUEUE, 1.0, true, rows),
                // "Without raising p99": equal counts as met.
                Ratio.of("affinity / no affinity", P99_TTFT, row -> row.ttft().p99(),
                        PREFIX_AFFINITY, PREFIX_QUEUE, 1.0, false, rows));
    }
}
