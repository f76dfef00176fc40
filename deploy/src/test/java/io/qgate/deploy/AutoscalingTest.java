package io.qgate.deploy;

import io.qgate.gateway.config.GatewayConfig;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.qgate.deploy.CustomResources.PrometheusRule;
import io.qgate.deploy.CustomResources.Rule;
import io.qgate.deploy.CustomResources.RuleGroup;
import io.qgate.deploy.CustomResources.ScaledObject;
import io.qgate.deploy.CustomResources.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autoscaling chain: PromQL over the gateway's real series, aggregated as the contract says;
 * the HPA's metrics served by the adapter rules; the KEDA alternatives equal to the HPA.
 */
class AutoscalingTest {

    private static final String THANOS = "https://thanos-querier.openshift-monitoring.svc.cluster.local:9092";

    private static JsonNode adapterConfig() {
        Path file = DeployFiles.deployDir().resolve("overlays/kubernetes/prometheus-adapter-config.yaml");
        JsonNode configMap = DeployFiles.documents(file).get(0);
        return DeployFiles.documents(configMap.path("data").path("config.yaml").asString()).get(0);
    }

    /** The HPAs of the model Deployments, as the kubernetes overlay (the one with prometheus-adapter) renders them. */
    static List<HorizontalPodAutoscaler> modelHpas() {
        Rendered rendered = Overlays.rendered("kubernetes");
        List<String> models = DeployedPools.modelDeployments(rendered).stream().map(d -> d.getMetadata().getName()).toList();
        return rendered.all(HorizontalPodAutoscaler.class).stream()
                .filter(hpa -> models.contains(hpa.getSpec().getScaleTargetRef().getName())).toList();
    }

    /**
     * The query the adapter runs for each Object and External metric of an HPA: the serving rule's,
     * with the HPA's namespace, the metric's selector and the described Service as label matchers.
     */
    private static Map<String, String> adapterQueries(HorizontalPodAutoscaler hpa) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (MetricSpec metric : hpa.getSpec().getMetrics()) {
            boolean object = metric.getObject() != null;
            var identifier = object ? metric.getObject().getMetric() : metric.getExternal().getMetric();
            JsonNode rule = ruleNamed(adapterConfig().path(object ? "rules" : "externalRules"), identifier.getName());
            Map<String, String> matchers = new LinkedHashMap<>();
            matchers.put("namespace", Rendered.namespaceOf(hpa));
            matchers.putAll(Rendered.matchLabels(identifier.getSelector()));
            if (object) {
                matchers.put("service", metric.getObject().getDescribedObject().getName());
            }
            queries.put(identifier.getName(), Promql.adapterQuery(rule.path("seriesQuery").asString(),
                    rule.path("metricsQuery").asString(), matchers));
        }
        return queries;
    }

    private static List<ScaledObject> scaledObjects(String overlay) {
        return Overlays.rendered(overlay).all(ScaledObject.class);
    }

    /** The HPA of the kubernetes overlay that a ScaledObject replaces: the one on the same Deployment. */
    private static HorizontalPodAutoscaler hpaReplacedBy(ScaledObject scaled) {
        return modelHpas().stream()
                .filter(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals(scaled.spec().scaleTargetRef().name()))
                .findFirst().orElseThrow(() -> new AssertionError("no HPA for " + scaled.name()));
    }

    private static List<Rule> recordingAndAlertingRules() {
        PrometheusRule rules = (PrometheusRule) StrictModels.parse(
                DeployFiles.documents(DeployFiles.deployDir().resolve("base/prometheus-rules.yaml")).get(0));
        List<Rule> all = new ArrayList<>();
        for (RuleGroup group : rules.spec().groups()) {
            all.addAll(group.rules());
        }
        return all;
    }

    /** Every PromQL expression in deploy/ except the dashboard's (DashboardTest), by where it is. */
    static Map<String, String> allQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Rule rule : recordingAndAlertingRules()) {
            queries.put("rule " + (rule.record() != null ? rule.record() : rule.alert()), rule.expr());
        }
        for (HorizontalPodAutoscaler hpa : modelHpas()) {
            adapterQueries(hpa).forEach((metric, query) ->
                    queries.put("adapter for HPA " + hpa.getMetadata().getName() + " " + metric, query));
        }
        for (String overlay : List.of("openshift", "kubernetes-keda")) {
            for (ScaledObject scaled : scaledObjects(overlay)) {
                for (Trigger trigger : scaled.spec().triggers()) {
                    queries.put(overlay + " " + scaled.name() + " trigger " + trigger.name(),
                            trigger.metadata().get("query"));
                }
            }
        }
        return queries;
    }

    @Test
    void everyQgateSeriesQueriedIsOneTheGatewayExports() {
        allQueries().forEach((where, query) -> assertThat(Promql.exportedSeries())
                .as(where).containsAll(Promql.qgateNames(query)));
        assertThat(Promql.exportedSeries()).contains("qgate_requests_received_total", "qgate_pool_queue_length",
                "qgate_request_duration_seconds_bucket");
    }

    @Test
    void countersAreSummedRatesAndPoolGaugesAreMaxed() {
        allQueries().forEach((where, query) -> assertThat(Promql.aggregationViolations(query)).as(where).isEmpty());
    }

    @Test
    void theAggregationCheckCatchesWhatItShould() {
        assertThat(Promql.aggregationViolations("sum(qgate_pool_queue_length)")).hasSize(1);
        assertThat(Promql.aggregationViolations("max(rate(qgate_requests_received_total[1m]))")).hasSize(1);
        assertThat(Promql.aggregationViolations("sum(qgate_requests_received_total)")).hasSize(1);
        assertThat(Promql.aggregationViolations(
                "histogram_quantile(0.9, sum by (le) (rate(qgate_request_duration_seconds_bucket[5m])))")).isEmpty();
    }

    @Test
    void theRequestRateSignalCountsArrivalsOfOnePool() {
        HorizontalPodAutoscaler llama = modelHpas().stream()
                .filter(hpa -> hpa.getMetadata().getName().equals("litellm")).findFirst().orElseThrow();
        assertThat(adapterQueries(llama).get("qgate_request_rate_per_second")).isEqualTo(
                "sum(rate(qgate_requests_received_total{namespace=\"qgate\",pool=\"llama\",service=\"qgate\"}[1m]))"
                        + " by (service)");
        for (String overlay : List.of("openshift", "kubernetes-keda")) {
            assertThat(scaledObjects(overlay)).isNotEmpty().allSatisfy(scaled ->
                    assertThat(trigger(scaled, "request-rate").metadata().get("query"))
                            .contains("rate(qgate_requests_received_total{"));
        }
        allQueries().forEach((where, query) -> {
            if (!where.startsWith("rule")) {
                assertThat(query).as(where).doesNotContain("qgate_requests_total");
            }
        });
    }

    @Test
    void theAdapterRulesKeepThePoolLabel() {
        // The HPA's selector needs the label on the discovered series. The queue keeps it through
        // max: without a selector the HPA would add up the pools (it sums an External metric's
        // series) rather than take the largest pool for the whole.
        for (String section : List.of("rules", "externalRules")) {
            for (JsonNode rule : adapterConfig().path(section)) {
                assertThat(rule.path("seriesQuery").asString()).contains("pool!=\"\"");
            }
        }
        for (JsonNode rule : adapterConfig().path("externalRules")) {
            assertThat(rule.path("metricsQuery").asString()).startsWith("max by (pool) (");
        }
    }

    @Test
    void theHpasAskForWhatTheAdapterServes() {
        assertThat(modelHpas()).hasSizeGreaterThanOrEqualTo(2);
        modelHpas().forEach(AutoscalingTest::asksForWhatTheAdapterServes);
    }

    private static void asksForWhatTheAdapterServes(HorizontalPodAutoscaler hpa) {
        JsonNode config = adapterConfig();
        for (MetricSpec metric : hpa.getSpec().getMetrics()) {
            JsonNode rule;
            var identifier = metric.getObject() != null ? metric.getObject().getMetric() : metric.getExternal().getMetric();
            if (metric.getObject() != null) {
                assertThat(metric.getObject().getTarget().getType()).isEqualTo("AverageValue");
                rule = ruleNamed(config.path("rules"), identifier.getName());
                // The Service the metric is described on must be a resource the rule maps a label to.
                assertThat(rule.path("resources").path("overrides").path("service").path("resource").asString())
                        .isEqualTo("service");
                assertThat(metric.getObject().getDescribedObject().getKind()).isEqualTo("Service");
            } else {
                assertThat(metric.getExternal().getTarget().getType()).isEqualTo("AverageValue");
                rule = ruleNamed(config.path("externalRules"), identifier.getName());
            }
            // Selector labels must exist on the series the rule discovers.
            Rendered.matchLabels(identifier.getSelector()).keySet().forEach(label ->
                    assertThat(rule.path("seriesQuery").asString()).as(hpa.getMetadata().getName())
                            .contains(label + "!=\"\""));
        }
        assertThat(hpa.getSpec().getMetrics()).extracting(MetricSpec::getType)
                .containsExactlyInAnyOrder("Object", "External");
    }

    @Test
    void modelsScaleUpPromptlyAndDownSlowly() {
        modelHpas().forEach(AutoscalingTest::scalesUpPromptlyAndDownSlowly);
    }

    private static void scalesUpPromptlyAndDownSlowly(HorizontalPodAutoscaler hpa) {
        HPAScalingRules up = hpa.getSpec().getBehavior().getScaleUp();
        HPAScalingRules down = hpa.getSpec().getBehavior().getScaleDown();
        assertThat(up.getStabilizationWindowSeconds()).isBetween(30, 180);
        assertThat(down.getStabilizationWindowSeconds()).isGreaterThanOrEqualTo(300)
                .isGreaterThan(up.getStabilizationWindowSeconds());
        assertThat(down.getPolicies()).allSatisfy(p -> {
            assertThat(p.getType()).isEqualTo("Pods");
            assertThat(p.getValue()).isEqualTo(1);
        });
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openshift", "kubernetes-keda"})
    void eachScaledObjectMatchesTheHpaItReplaces(String overlay) {
        assertThat(scaledObjects(overlay)).hasSameSizeAs(modelHpas());
        scaledObjects(overlay).forEach(AutoscalingTest::matchesTheHpaItReplaces);
    }

    private static void matchesTheHpaItReplaces(ScaledObject scaled) {
        HorizontalPodAutoscaler hpa = hpaReplacedBy(scaled);
        if (scaled.spec().minReplicaCount() == 0) {
            scalesFromZero(scaled);
        } else {
            assertThat(scaled.spec().minReplicaCount()).isEqualTo(hpa.getSpec().getMinReplicas());
        }
        assertThat(scaled.spec().maxReplicaCount()).isEqualTo(hpa.getSpec().getMaxReplicas());
        assertThat(scaled.spec().advanced().horizontalPodAutoscalerConfig().behavior())
                .isEqualTo(hpa.getSpec().getBehavior());
        String rateTarget = null;
        String queueTarget = null;
        for (MetricSpec metric : hpa.getSpec().getMetrics()) {
            if (metric.getObject() != null) {
                rateTarget = metric.getObject().getTarget().getAverageValue().toString();
            } else {
                queueTarget = metric.getExternal().getTarget().getAverageValue().toString();
            }
        }
        assertThat(trigger(scaled, "request-rate").metadata().get("threshold")).isEqualTo(rateTarget);
        assertThat(trigger(scaled, "pool-queue").metadata().get("threshold")).isEqualTo(queueTarget);
        assertThat(trigger(scaled, "pool-queue").metadata().get("query")).contains("qgate_pool_queue_length");
        for (Trigger trigger : scaled.spec().triggers()) {
            assertThat(trigger.type()).isEqualTo("prometheus");
            assertThat(trigger.metricType()).as("thresholds are per replica").isEqualTo("AverageValue");
            assertThat(CustomResources.PROMETHEUS_TRIGGER_KEYS).containsAll(trigger.metadata().keySet());
            assertThat(trigger.metadata()).containsKeys("serverAddress", "query", "threshold");
        }
    }

    /**
     * A ScaledObject that goes to zero: only where the gateway holds the pool's requests while it
     * wakes, woken by any demand of that pool, and back to zero only after a cooldown long enough
     * not to flap between two requests.
     */
    private static void scalesFromZero(ScaledObject scaled) {
        Trigger demand = trigger(scaled, "demand");
        String pool = demand.metadata().get("query").replaceAll(".*pool=\"([^\"]+)\".*", "$1");
        assertThat(demand.metadata().get("query")).startsWith("max(qgate_pool_demand{");
        assertThat(demand.metadata().get("activationThreshold")).isEqualTo("0");
        assertThat(scaled.spec().cooldownPeriod()).as("seconds without demand before zero").isGreaterThanOrEqualTo(300);
        GatewayConfig config = DeployedPools.gatewayConfig();
        assertThat(config.pools().list()).filteredOn(p -> p.name().equals(pool))
                .singleElement().satisfies(p -> assertThat(p.scaleFromZero().enabled())
                        .as("pool " + pool + " holds requests while it wakes").isTrue());
    }

    @Test
    void openShiftQueriesTheThanosTenancyPortOfItsOwnNamespace() {
        for (ScaledObject scaled : scaledObjects("openshift")) {
            for (Trigger trigger : scaled.spec().triggers()) {
                assertThat(trigger.metadata()).containsEntry("serverAddress", THANOS)
                        .containsEntry("namespace", Rendered.namespaceOf(scaled))
                        .containsEntry("authModes", "bearer");
                assertThat(trigger.authenticationRef().name()).isEqualTo("qgate-thanos");
                // The tenancy port adds the namespace itself.
                assertThat(trigger.metadata().get("query")).doesNotContain("namespace=");
            }
        }
    }

    @Test
    void plainKedaQueriesNameTheOverlaysNamespace() {
        for (ScaledObject scaled : scaledObjects("kubernetes-keda")) {
            for (Trigger trigger : scaled.spec().triggers()) {
                assertThat(trigger.metadata().get("query"))
                        .contains("namespace=\"" + Rendered.namespaceOf(scaled) + "\"", "service=\"qgate\"");
            }
        }
    }

    @Test
    void everyAlertHasASeverityAndASummary() {
        for (Rule rule : recordingAndAlertingRules()) {
            assertThat(rule.record() == null ^ rule.alert() == null).as("record or alert: %s", rule).isTrue();
            if (rule.alert() != null) {
                assertThat(rule.labels()).containsKey("severity");
                assertThat(rule.annotations()).containsKey("summary");
                assertThat(rule.forDuration()).isNotBlank();
            } else {
                assertThat(rule.record()).matches("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+");
            }
        }
    }

    private static Trigger trigger(ScaledObject scaled, String name) {
        return scaled.spec().triggers().stream().filter(t -> name.equals(t.name())).findFirst().orElseThrow();
    }

    private static JsonNode ruleNamed(JsonNode rules, String name) {
        for (JsonNode rule : rules) {
            if (rule.path("name").path("as").asString().equals(name)) {
                return rule;
            }
        }
        throw new AssertionError("no adapter rule serves " + name);
    }
}
