package io.qgate.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every manifest under deploy/ parses into a typed object with no unknown field (fabric8's models,
 * or the strict schemas of {@link CustomResources}); every YAML file there has a role.
 */
class ManifestParseTest {

    /** Applied on its own, in prometheus-adapter's namespace (see the file). */
    private static final Set<String> STANDALONE = Set.of("overlays/kubernetes/prometheus-adapter-config.yaml");

    /** The files the kustomizations name, by role. */
    private record Roles(Set<Path> resources, Set<Path> patches, Set<Path> generatorInputs, Set<Path> kustomizations) {}

    private static Roles roles() {
        Roles roles = new Roles(new HashSet<>(), new HashSet<>(), new HashSet<>(), new HashSet<>());
        for (Path file : DeployFiles.yamlFiles()) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            roles.kustomizations.add(file);
            Path dir = file.getParent();
            JsonNode kustomization = DeployFiles.documents(file).get(0);
            kustomization.path("resources").forEach(r -> roles.resources.add(dir.resolve(r.asString()).normalize()));
            kustomization.path("patches").forEach(p -> {
                if (p.has("path")) {
                    roles.patches.add(dir.resolve(p.get("path").asString()).normalize());
                }
            });
            kustomization.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> {
                String spec = f.asString();
                roles.generatorInputs.add(dir.resolve(spec.substring(spec.indexOf('=') + 1)).normalize());
            }));
        }
        return roles;
    }

    /** Resources, patches and standalone manifests: everything that is a Kubernetes object. */
    static List<Path> manifests() {
        Roles roles = roles();
        return DeployFiles.yamlFiles().stream()
                .filter(f -> !roles.kustomizations.contains(f) && !roles.generatorInputs.contains(f))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void parsesStrictly(Path file) {
        List<JsonNode> documents = DeployFiles.documents(file);
        assertThat(documents).as(DeployFiles.relative(file)).isNotEmpty();
        for (JsonNode document : documents) {
            assertThat(StrictModels.parse(document)).isNotNull();
        }
    }

    @Test
    void everyManifestIsAResourceAPatchOrStandalone() {
        Roles roles = roles();
        for (Path file : manifests()) {
            String name = DeployFiles.relative(file);
            assertThat(roles.resources.contains(file) || roles.patches.contains(file) || STANDALONE.contains(name))
                    .as("%s is named by no kustomization", name)
                    .isTrue();
        }
        assertThat(roles.kustomizations).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void theOldRbacFileMovedIntoBase() {
        assertThat(DeployFiles.deployDir().resolve("rbac.yaml")).doesNotExist();
        assertThat(DeployFiles.deployDir().resolve("base/rbac.yaml")).exists();
    }

    @Test
    void anUnknownFieldOfAFabric8ModelFails() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinessProbe:
                            httpGet: {path: /readyz, port: metrics}
                            periodSecond: 2
                """;
        assertThatThrownBy(() -> StrictModels.parse(DeployFiles.documents(deployment).get(0)))
                .hasMessageContaining("readinessProbe.periodSecond");
    }

    @Test
    void aMisplacedFieldFails() {
        // terminationGracePeriodSeconds belongs to the pod spec, not the Deployment spec.
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  terminationGracePeriodSeconds: 30
                  selector: {matchLabels: {a: b}}
                """;
        assertThatThrownBy(() -> StrictModels.parse(DeployFiles.documents(deployment).get(0)))
                .hasMessageContaining("terminationGracePeriodSeconds");
    }

    @Test
    void anUnknownFieldOfACustomResourceFails() {
        String monitor = """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  endpoints:
                    - port: metrics
                      intervall: 15s
                """;
        assertThatThrownBy(() -> StrictModels.parse(DeployFiles.documents(monitor).get(0)))
                .hasMessageContaining("intervall");
        String scaledObject = """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: x}
                spec:
                  scaleTargetRef: {name: x}
                  advanced:
                    horizontalPodAutoscalerConfig:
                      behavior:
                        scaleUp: {stabilisationWindowSeconds: 60}
                """;
        assertThatThrownBy(() -> StrictModels.parse(DeployFiles.documents(scaledObject).get(0)))
                .hasMessageContaining("stabilisationWindowSeconds");
    }

    @Test
    void anUnknownKindFails() {
        String unknown = """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: x}
                """;
        assertThatThrownBy(() -> StrictModels.parse(DeployFiles.documents(unknown).get(0)))
                .hasMessageContaining("Widget");
    }
}
