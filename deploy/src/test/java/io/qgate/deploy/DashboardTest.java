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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard: valid JSON, the panels the issue asks for, over series the gateway exports,
 * each of the gateway's filtered by the pool variable. (bench's DashboardQueriesTest runs every
 * expression in a real Prometheus.)
 */
class DashboardTest {

    private static final Path FILE = DeployFiles.deployDir().resolve("grafana/qgate-dashboard.json");
    /** A selector of one of the gateway's series, with its matchers. */
    private static final Pattern QGATE_SELECTOR = Pattern.compile("\\b(qgate_[a-z0-9_]+)(\\{[^}]*})?");

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
            if (!panel.path("type").asString().equals("row")) {
                assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
            }
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
    void showsTheEnginesGpusPodsJvmAndAutoscaler() {
        String all = String.join("\n", expressions());
        assertThat(all).contains("vllm:num_requests_waiting", "vllm:num_requests_running", "vllm:kv_cache_usage_perc",
                "vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total", "vllm:num_preemptions_total",
                "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket",
                "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "container_cpu_usage_seconds_total",
                "container_memory_working_set_bytes", "jvm_memory_used_bytes", "jvm_gc_pause_seconds",
                "qgate_batch_size", "qgate_queue_length", "code=\"429\"", "qgate_endpoint_scrape_age_seconds",
                "qgate_endpoint_ejected", "kube_horizontalpodautoscaler_status_current_replicas",
                "kube_horizontalpodautoscaler_status_desired_replicas");
    }

    /**
     * {@code =~} with the variable's "all" value {@code .*} also matches series without the
     * label, so the panels show gateways that do not label their pool too.
     */
    @Test
    void everyGatewaySeriesIsFilteredByThePoolVariable() {
        JsonNode pool = null;
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (variable.path("name").asString().equals("pool")) {
                pool = variable;
            }
        }
        assertThat(pool).as("a pool variable").isNotNull();
        assertThat(pool.path("query").path("query").asString()).contains("label_values(qgate_pool_ready_endpoints");
        assertThat(pool.path("multi").asBoolean()).isTrue();
        assertThat(pool.path("includeAll").asBoolean()).isTrue();
        assertThat(pool.path("allValue").asString()).isEqualTo(".*");
        int selectors = 0;
        for (String expr : expressions()) {
            Matcher selector = QGATE_SELECTOR.matcher(expr);
            while (selector.find()) {
                selectors++;
                assertThat(selector.group(2)).as(selector.group() + " in " + expr).contains("pool=~\"$pool\"");
            }
        }
        assertThat(selectors).isGreaterThan(20);
    }

    @Test
    void shippedAsAConfigMapForTheGrafanaSidecar() {
        ConfigMap map = Overlays.rendered("kubernetes").get(ConfigMap.class, "qgate-dashboard");
        assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(map.getData().get("qgate-dashboard.json")).isEqualTo(DeployFiles.read(FILE));
    }
}
