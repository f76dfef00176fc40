package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayCountsTest {

    private static final String BEFORE = """
            # HELP qgate_requests_total Requests answered, by model, API route and HTTP status
            # TYPE qgate_requests_total counter
            qgate_requests_total{code="200",model="m",pool="default",route="chat"} 10.0
            qgate_requests_total{code="200",model="m",pool="default",route="completions"} 5.0
            qgate_requests_received_total{model="m",pool="default",route="chat"} 11.0
            qgate_requests_received_total{model="m",pool="default",route="completions"} 5.0
            qgate_requests_total{code="499",model="m",pool="default",route="chat"} 1.0
            """;

    private static final String AFTER = """
            qgate_requests_total{code="200",model="m",pool="default",route="chat"} 1.2345E4
            qgate_requests_total{code="200",model="m",pool="default",route="completions"} 20.0
            qgate_requests_total{code="499",model="m",pool="default",route="chat"} 3.0
            qgate_requests_total{code="502",model="other",pool="default",route="chat"} 2.0
            qgate_requests_received_total{model="m",pool="default",route="chat"} 12350.0
            qgate_requests_received_total{model="m",pool="default",route="completions"} 20.0
            qgate_requests_received_totally_different 7.0
            """;

    @Test
    void sumsOverModelAndRouteByStatus() {
        GatewayCounts counts = GatewayCounts.parse(AFTER);

        assertThat(counts.answeredByCode()).isEqualTo(Map.of(200, 12365L, 499, 3L, 502, 2L));
        assertThat(counts.received()).isEqualTo(12370);
        assertThat(counts.answered()).isEqualTo(12370);
    }

    @Test
    void theDifferenceOfTwoScrapesIsWhatHappenedBetween() {
        GatewayCounts delta = GatewayCounts.parse(AFTER).minus(GatewayCounts.parse(BEFORE));

        assertThat(delta.answeredByCode()).isEqualTo(Map.of(200, 12350L, 499, 2L, 502, 2L));
        assertThat(delta.received()).isEqualTo(12354);
    }
}
