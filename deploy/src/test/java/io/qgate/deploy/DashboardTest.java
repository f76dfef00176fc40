package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard: valid JSON, the panels the issue asks for, over series the gateway exports. */
class DashboardTest {

    private static final Path FILE = DeployFiles.deployDir().resolve("grafana/qgate-dashboard.json");

    private static JsonNode dashboard() {
        return JsonMapper.builder().build().readTree(DeployFiles.read(FILE));
    }

    static List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asString());
            }
        }
        return exprs;
    }

    @Test
    void panelsHaveUniqueIdsAndQueries() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard().path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s", panel.path("id")).isTrue();
            assertThat(panel.path("title").asString()).isNotBlank();
            assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
        }
        assertThat(dashboard().path("uid").asString()).isNotBlank();
    }

    @Test
    void showsRateLatencyTtftQueueAndReplicas() {
        String all = String.join("\n", expressions());
        assertThat(all).contains(
                "rate(qgate_requests_received_total",
                "histogram_quantile(0.99, sum by (le) (rate(qgate_request_duration_seconds_bucket",
                "histogram_quantile(0.99, sum by (le) (rate(qgate_time_to_first_byte_seconds_bucket",
                "qgate_endpoint_queue_length",
                "qgate_pool_ready_endpoints");
    }

    @Test
    void queriesReadExportedSeriesAggregatedAsTheContractSays() {
        for (String expr : expressions()) {
            assertThat(Promql.exportedSeries()).as(expr).containsAll(Promql.qgateNames(expr));
            assertThat(Promql.aggregationViolations(expr)).as(expr).isEmpty();
        }
    }

    @Test
    void shippedAsAConfigMapForTheGrafanaSidecar() {
        ConfigMap map = Overlays.rendered("kubernetes").get(ConfigMap.class, "qgate-dashboard");
        assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(map.getData().get("qgate-dashboard.json")).isEqualTo(DeployFiles.read(FILE));
    }
}
