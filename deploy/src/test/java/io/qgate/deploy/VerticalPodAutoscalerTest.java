package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qgate.deploy.CustomResources.VerticalPodAutoscaler;
import io.qgate.deploy.CustomResources.VpaContainerPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional VerticalPodAutoscalers (deploy/optional/vpa): recommendation only, for the gateway
 * and LiteLLM, each pointing at a Deployment and containers every overlay renders, in the
 * overlays' namespace.
 */
class VerticalPodAutoscalerTest {

    private static final Path DIR = DeployFiles.deployDir().resolve("optional/vpa");

    private static List<VerticalPodAutoscaler> autoscalers() {
        JsonNode kustomization = DeployFiles.documents(DIR.resolve("kustomization.yaml")).get(0);
        List<VerticalPodAutoscaler> autoscalers = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            for (JsonNode document : DeployFiles.documents(DIR.resolve(resource.asString()))) {
                autoscalers.add((VerticalPodAutoscaler) StrictModels.parse(document));
            }
        }
        return autoscalers;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void recommendOnlyForTheGatewayAndLiteLlmOfEveryOverlay(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        String namespace = DeployFiles.documents(DIR.resolve("kustomization.yaml")).get(0).path("namespace").asString();
        List<String> targets = new ArrayList<>();
        for (VerticalPodAutoscaler vpa : autoscalers()) {
            assertThat(vpa.spec().updatePolicy().updateMode()).as(vpa.name()).isEqualTo("Off");
            assertThat(vpa.spec().targetRef().kind()).isEqualTo("Deployment");
            assertThat(vpa.spec().targetRef().apiVersion()).isEqualTo("apps/v1");
            Deployment deployment = rendered.get(Deployment.class, vpa.spec().targetRef().name());
            assertThat(Rendered.namespaceOf(deployment)).as(overlay).isEqualTo(namespace);
            List<String> containers = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(Container::getName).toList();
            for (VpaContainerPolicy policy : vpa.spec().resourcePolicy().containerPolicies()) {
                assertThat(containers).as(vpa.name()).contains(policy.containerName());
                if (policy.mode() != null) {
                    assertThat(policy.mode()).isIn("Auto", "Off");
                }
            }
            targets.add(vpa.spec().targetRef().name());
        }
        assertThat(targets).containsExactlyInAnyOrder("qgate", "litellm");
    }
}
