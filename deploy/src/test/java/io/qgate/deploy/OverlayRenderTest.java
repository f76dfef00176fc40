package io.qgate.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** What each overlay renders to, and the Java renderer against kubectl's. */
class OverlayRenderTest {

    /** In every overlay. */
    private static final List<String> COMMON = List.of(
            "ServiceAccount/qgate", "Role/qgate-discovery", "RoleBinding/qgate-discovery",
            "ConfigMap/qgate-config", "ConfigMap/litellm-config", "ConfigMap/litellm-qwen-config",
            "ConfigMap/qgate-dashboard", "Service/qgate", "Service/litellm", "Service/litellm-qwen",
            "Deployment/qgate", "Deployment/litellm", "Deployment/litellm-qwen",
            "PodDisruptionBudget/qgate", "HorizontalPodAutoscaler/qgate", "NetworkPolicy/qgate",
            "ServiceMonitor/qgate", "ServiceMonitor/litellm-vllm", "PrometheusRule/qgate",
            "Service/qgate-peers", "ServiceAccount/qgate-peers", "Secret/qgate-peers-key");

    private static final Map<String, List<String>> EXTRA = Map.of(
            "kubernetes", List.of("HorizontalPodAutoscaler/litellm", "HorizontalPodAutoscaler/litellm-qwen"),
            "kubernetes-keda", List.of("ScaledObject/litellm", "ScaledObject/litellm-qwen"),
            "openshift", List.of("ScaledObject/litellm", "ScaledObject/litellm-qwen",
                    "TriggerAuthentication/qgate-thanos", "Route/qgate",
                    "ServiceAccount/qgate-thanos", "Secret/qgate-thanos-token", "Role/qgate-thanos-metrics-reader",
                    "RoleBinding/qgate-thanos-metrics-reader"));

    /** kustomize's content-hash suffix of generated ConfigMaps. */
    private static final Pattern HASHED =
            Pattern.compile("(qgate-config|litellm-config|litellm-qwen-config)-[a-z0-9]{10}");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void rendersTheExpectedObjects(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        List<String> expected = new ArrayList<>(COMMON);
        expected.addAll(EXTRA.get(overlay));
        List<String> ids = rendered.ids().stream().map(id -> HASHED.matcher(id).replaceAll("$1")).toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void everyObjectIsInTheOverlaysNamespace(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (Object object : rendered.objects) {
            assertThat(Rendered.namespaceOf(object)).as(Rendered.kindOf(object)).isEqualTo("qgate");
        }
    }

    /** The Java renderer runs without kubectl; it must give every overlay (and base) the same objects. */
    @Test
    void theJavaRendererRendersEveryKustomization() {
        for (String overlay : DeployFiles.OVERLAYS) {
            Path dir = DeployFiles.overlay(overlay);
            Rendered rendered = Rendered.of(overlay, dir, MiniKustomize.render(dir));
            assertThat(rendered.objects).hasSize(COMMON.size() + EXTRA.get(overlay).size());
        }
        Path base = DeployFiles.deployDir().resolve("base");
        assertThat(Rendered.of("base", base, MiniKustomize.render(base)).ids())
                .contains("HorizontalPodAutoscaler/litellm", "HorizontalPodAutoscaler/litellm-qwen", "Deployment/qgate");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void theJavaRendererAgreesWithKubectl(String overlay) {
        Path kubectl = Kustomize.kubectl();
        assumeThat(kubectl).as("kubectl is not installed: the Java renderer is not compared with it").isNotNull();
        Path dir = DeployFiles.overlay(overlay);
        Map<String, JsonNode> byKubectl = byId(Kustomize.withKubectl(kubectl, dir));
        Map<String, JsonNode> byJava = byId(MiniKustomize.render(dir));
        assertThat(byJava.keySet()).isEqualTo(byKubectl.keySet());
        byKubectl.forEach((id, object) -> assertThat(byJava.get(id)).as(id).isEqualTo(object));
    }

    private static Map<String, JsonNode> byId(List<JsonNode> documents) {
        Map<String, JsonNode> byId = new TreeMap<>();
        for (JsonNode document : documents) {
            JsonNode normalized = withoutHashes(document.deepCopy());
            byId.put(normalized.path("kind").asString() + "/" + normalized.path("metadata").path("name").asString(),
                    normalized);
        }
        return byId;
    }

    private static JsonNode withoutHashes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String field : new ArrayList<>(object.propertyNames())) {
                object.set(field, withoutHashes(object.get(field)));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, withoutHashes(array.get(i)));
            }
        } else if (node.isString()) {
            return StringNode.valueOf(HASHED.matcher(node.asString()).replaceAll("$1"));
        }
        return node;
    }
}
