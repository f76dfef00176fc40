package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Loads run side by side, reported as one. */
class LoadResultMergeTest {

    @Test
    void countsAndRatesAddAndLatenciesMerge() {
        LoadResult fast = result(Instant.ofEpochSecond(20), 10, Map.of(), 2.0, 5.0, 1_000, 10);
        LoadResult slow = result(Instant.ofEpochSecond(10), 10, Map.of("timeout", 1L), 3.0, 6.0, 9_000, 9);

        LoadResult merged = LoadResult.merged(List.of(fast, slow));

        assertThat(merged.requests()).isEqualTo(20);
        assertThat(merged.ok()).isEqualTo(19);
        assertThat(merged.errors()).containsExactly(Map.entry("timeout", 1L));
        assertThat(merged.throughputRps()).isEqualTo(5.0);
        assertThat(merged.durationSeconds()).isEqualTo(6.0);
        assertThat(merged.startedAt()).isEqualTo(Instant.ofEpochSecond(10));
        assertThat(merged.ttftMicros().getTotalCount()).isEqualTo(19);
        // Half the answers took 1 ms, half 9 ms: the merged p99 is the slow part's.
        assertThat(merged.ttftMs().p99()).isBetween(8.9, 9.1);
        assertThat(merged.ttftMs().p50()).isBetween(0.99, 1.01);
    }

    private static LoadResult result(Instant startedAt, long requests, Map<String, Long> errors, double throughput,
                                     double duration, long ttftMicros, int answered) {
        Histogram ttft = StatsSnapshot.newHistogram();
        Histogram e2e = StatsSnapshot.newHistogram();
        for (int i = 0; i < answered; i++) {
            ttft.recordValue(ttftMicros);
            e2e.recordValue(2 * ttftMicros);
        }
        return new LoadResult(LoadOptions.builder().rate(1).build(), startedAt, requests, answered, errors, duration,
                throughput, 0, 0, LatencySummary.of(ttft), LatencySummary.of(e2e), ttft, e2e, duration);
    }
}
