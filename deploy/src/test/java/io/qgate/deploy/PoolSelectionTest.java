package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qgate.deploy.DeployedPools.Autoscaler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model pools across deploy/: every pool that PromQL or a metric selector names is one qgate.yaml
 * defines, every model Deployment is exactly one pool, and its one autoscaler reads that pool's
 * series and no other's.
 */
class PoolSelectionTest {

    /** Every PromQL expression and HPA metric selector in deploy/, by where it is, with the pools it names. */
    private static Map<String, Set<String>> poolsNamed() {
        Map<String, Set<String>> named = new LinkedHashMap<>();
        AutoscalingTest.allQueries().forEach((where, query) -> named.put(where, DeployedPools.poolsIn(query)));
        for (String expr : DashboardTest.expressions()) {
            // A Grafana variable ($pool) is filled in from the series themselves, not a name to check.
            named.put("dashboard " + expr, DeployedPools.poolsIn(expr).stream()
                    .filter(pool -> !pool.startsWith("$")).collect(java.util.stream.Collectors.toSet()));
        }
        for (String overlay : DeployFiles.OVERLAYS) {
            for (Autoscaler autoscaler : DeployedPools.autoscalers(Overlays.rendered(overlay))) {
                autoscaler.poolsBySignal().forEach((signal, pools) ->
                        named.put(overlay + " " + autoscaler.id() + " " + signal, pools));
            }
        }
        return named;
    }

    @Test
    void qgateYamlDefinesOnePoolPerExampleModel() {
        assertThat(DeployedPools.servicesByPool())
                .containsExactlyInAnyOrderEntriesOf(Map.of("llama", "litellm", "qwen", "litellm-qwen"));
    }

    @Test
    void everyPoolNamedInPromqlOrASelectorIsAPoolOfQgateYaml() {
        Set<String> defined = DeployedPools.servicesByPool().keySet();
        Map<String, Set<String>> named = poolsNamed();
        named.forEach((where, pools) -> assertThat(defined).as(where).containsAll(pools));
        // The check reads something: the autoscalers name both pools.
        assertThat(named.values().stream().flatMap(Set::stream)).contains("llama", "qwen");
    }

    @Test
    void thePoolMatchersAreReadAsPrometheusSelectsThem() {
        assertThat(DeployedPools.poolsIn("max(qgate_pool_queue_length{service=\"qgate\",pool=\"nope\"})"))
                .containsExactly("nope");
        assertThat(DeployedPools.poolsIn("sum(rate(qgate_requests_received_total{pool=~\"a|b\"}[1m]))"))
                .containsExactly("a", "b");
        assertThat(DeployedPools.poolsIn("qgate_pool_queue_length{pool!=\"\",pool!=\"x\"}")).isEmpty();
        assertThat(DeployedPools.servicesByPool()).doesNotContainKey("nope");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void eachModelDeploymentIsOnePoolScaledOnThatPoolAlone(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        List<Deployment> models = DeployedPools.modelDeployments(rendered);
        assertThat(models).hasSize(DeployedPools.servicesByPool().size());
        List<Autoscaler> autoscalers = DeployedPools.autoscalers(rendered);
        boolean keda = overlay.equals("openshift") || overlay.equals("kubernetes-keda");
        for (Deployment model : models) {
            String name = model.getMetadata().getName();
            List<String> pools = DeployedPools.poolsServedBy(rendered, model);
            assertThat(pools).as("pools whose Service selects %s", name).hasSize(1);
            List<Autoscaler> own = autoscalers.stream().filter(a -> a.target().equals(name)).toList();
            assertThat(own).as("autoscalers of %s", name).hasSize(1);
            Autoscaler autoscaler = own.get(0);
            assertThat(autoscaler.id()).startsWith(keda ? "ScaledObject/" : "HorizontalPodAutoscaler/");
            // The rate and the queue; and, for a pool that goes to zero, the demand that wakes it.
            assertThat(autoscaler.poolsBySignal()).as(autoscaler.id()).hasSizeBetween(2, 3)
                    .allSatisfy((signal, selected) -> assertThat(selected).as(autoscaler.id() + " " + signal)
                            .containsExactly(pools.get(0)));
        }
    }
}
