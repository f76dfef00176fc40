package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Latency;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The targets are read off the right rows and judged with the right bounds. */
class RatiosTest {

    private static RowResult row(Configuration configuration, double p99, double mean) {
        Latency ttft = new Latency(mean / 2, p99, mean, 100);
        return new RowResult(configuration, "round-robin", 100, 100, 0, 8, 8, 1600, ttft, ttft);
    }

    private static List<RowResult> rows(double queueP99, double affinityMean, double affinityP99) {
        List<RowResult> rows = new ArrayList<>();
        for (Configuration configuration : Configurations.loadAware()) {
            boolean queue = configuration.name().equals(Configurations.QUEUE_100MS)
                    || configuration.name().equals(Configurations.QUEUE_1S);
            rows.add(row(configuration, queue ? queueP99 : 1000, 100));
        }
        List<Configuration> prefixes = Configurations.sharedPrefixes();
        rows.add(row(prefixes.get(0), 1000, 200));
        rows.add(row(prefixes.get(1), affinityP99, affinityMean));
        return rows;
    }

    private static Ratio find(List<Ratio> ratios, String name, String metric) {
        return ratios.stream().filter(r -> r.name().equals(name) && r.metric().equals(metric))
                .findFirst().orElseThrow();
    }

    @Test
    void targetsMetWhenQueueHalvesTheTailAndAffinityHelps() {
        List<Ratio> ratios = Ratios.of(rows(400, 150, 1040));
        assertThat(find(ratios, "queue / round-robin, 100 ms", "p99 TTFT").value()).isEqualTo(0.4);
        assertThat(find(ratios, "corrected / uncorrected, 1 s", "p99 TTFT").met()).isTrue();
        assertThat(find(ratios, "affinity / no affinity", "mean TTFT").value()).isEqualTo(0.75);
        assertThat(find(ratios, "affinity / no affinity", "p99 TTFT").met()).isTrue();
        assertThat(find(ratios, "queue / least-inflight, 100 ms", "p99 TTFT").met()).isNull();
        assertThat(ratios.stream().map(Ratio::met).filter(m -> m != null)).containsOnly(true);
    }

    @Test
    void targetsMissedWithinTheNoise() {
        List<Ratio> ratios = Ratios.of(rows(990, 198, 1100));
        assertThat(ratios.stream().map(Ratio::met).filter(m -> m != null)).containsOnly(false);
        assertThat(find(ratios, "affinity / no affinity", "mean TTFT").targetText()).isEqualTo("<= 0.95");
    }
}
