package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qgate.deploy.CustomResources.Route;
import io.qgate.gateway.config.ConfigLoader;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.Option;
import io.qgate.gateway.config.PoolConfig;
import io.qgate.routing.config.Units;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway configuration the manifests ship is loaded by the gateway's own ConfigLoader (so an
 * unknown key or a bad value fails here), and the manifests agree with it: ports, the Service each
 * model pool discovers and that Service's port names, the drain times against the grace period, the
 * router's timeout against the gateway's.
 */
class GatewayConfigTest {

    @TempDir
    Path temp;

    /** The configuration as the gateway in a pod reads it: the rendered ConfigMap's file, no environment. */
    private GatewayConfig load(Rendered rendered) throws IOException {
        Deployment gateway = rendered.get(Deployment.class, "qgate");
        String configMap = gateway.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getConfigMap().getName();
        Path file = temp.resolve(rendered.overlay.replaceAll("\\W", "_") + ".yaml");
        Files.writeString(file, rendered.get(ConfigMap.class, configMap).getData().get("qgate.yaml"));
        var args = ReferencesTest.gatewayContainer(rendered).getArgs().stream()
                .map(arg -> arg.equals("/etc/qgate/qgate.yaml") ? file.toString() : arg).toArray(String[]::new);
        assertThat(args).as("the Deployment passes the mounted file").contains(file.toString());
        return ConfigLoader.load(args, Map.of());
    }

    @Test
    void theBaseFileIsAValidGatewayConfiguration() {
        Path file = DeployFiles.deployDir().resolve("base/qgate.yaml");
        GatewayConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());
        // Only the configured pools: no top-level replicas, so no pool `default` beside them.
        assertThat(config.pools().list()).extracting(PoolConfig::name).containsExactly("llama", "qwen");
        assertThat(config.pools().list()).allSatisfy(pool -> {
            assertThat(pool.discovery().kubernetes().enabled()).isTrue();
            assertThat(pool.models()).hasSize(1);
        });
        assertThat(config.discovery().hasSource()).isFalse();
    }

    @Test
    void theLoaderWouldRejectAMisspeltKey() throws IOException {
        // The check above means something: the same loader fails on a key that does not exist.
        Path file = temp.resolve("bad.yaml");
        Files.writeString(file, DeployFiles.read(DeployFiles.deployDir().resolve("base/qgate.yaml"))
                .replace("first-byte-timeout", "first-byte-timout"));
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()))
                .hasMessageContaining("unknown key upstream.first-byte-timout");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void portsMatchTheContainerPorts(String overlay) throws IOException {
        Rendered rendered = Overlays.rendered(overlay);
        GatewayConfig config = load(rendered);
        var ports = ReferencesTest.gatewayContainer(rendered).getPorts();
        assertThat(ports).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(config.server().port());
        });
        assertThat(ports).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(config.server().adminPort());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void eachPoolFollowsItsModelServiceByItsPortNames(String overlay) throws IOException {
        Rendered rendered = Overlays.rendered(overlay);
        for (PoolConfig pool : load(rendered).pools().list()) {
            GatewayConfig.Kubernetes discovery = pool.discovery().kubernetes();
            assertThat(discovery.enabled()).as(pool.name()).isTrue();
            assertThat(discovery.namespace()).as("empty: the pod's own namespace").isEmpty();
            Service service = rendered.get(Service.class, discovery.service());
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
                    .contains(discovery.portName(), discovery.metricsPort());
            // The metrics port is the vLLM engine's (LiteLLM's own /metrics has no queue).
            Deployment served = rendered.deploymentsMatching(service.getSpec().getSelector()).get(0);
            var engine = served.getSpec().getTemplate().getSpec().getContainers().stream()
                    .filter(c -> c.getPorts().stream().anyMatch(p -> p.getName().equals(discovery.metricsPort())))
                    .findFirst().orElseThrow();
            assertThat(engine.getImage()).contains("vllm");
            // The engine serves the pool's configured models under the names clients send.
            pool.models().forEach(name -> assertThat(engine.getArgs()).as(pool.name())
                    .contains("--served-model-name=" + name));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void peersAreTheGatewaysOwnServiceOnItsPortWithTheMountedKey(String overlay) throws IOException {
        Rendered rendered = Overlays.rendered(overlay);
        GatewayConfig config = load(rendered);
        Deployment gateway = rendered.get(Deployment.class, "qgate");
        Service peers = rendered.get(Service.class, config.peers().kubernetesService());
        assertThat(rendered.deploymentsMatching(peers.getSpec().getSelector())).containsExactly(gateway);
        var container = ReferencesTest.gatewayContainer(rendered);
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("peers");
            assertThat(p.getContainerPort()).isEqualTo(config.peers().port(config.server().adminPort()));
        });
        var key = gateway.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        String mountPath = container.getVolumeMounts().stream().filter(m -> m.getName().equals(key.getName()))
                .findFirst().orElseThrow().getMountPath();
        assertThat(config.peers().secretFile()).isEqualTo(mountPath + "/" + key.getSecret().getItems().get(0).getPath());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void gracePeriodOutlastsTheDrain(String overlay) throws IOException {
        Rendered rendered = Overlays.rendered(overlay);
        GatewayConfig config = load(rendered);
        long grace = rendered.get(Deployment.class, "qgate").getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds();
        Duration drain = config.shutdown().delay().plus(config.shutdown().timeout());
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(drain);
        // ... and the drain lets a request that waited the longest for its first byte finish.
        assertThat(config.shutdown().timeout()).isGreaterThanOrEqualTo(config.upstream().firstByteTimeout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.ReferencesTest#openshift")
    void routerWaitsLongerThanTheGatewayForAFirstByte(String overlay) throws IOException {
        Rendered rendered = Overlays.rendered(overlay);
        GatewayConfig config = load(rendered);
        String timeout = rendered.get(Route.class, "qgate").metadata().getAnnotations()
                .get("haproxy.router.openshift.io/timeout");
        // HAProxy durations (us, ms, s, m, h, d) in the forms used here are the gateway's too.
        Duration router = Units.duration("haproxy.router.openshift.io/timeout", timeout);
        assertThat(router).isGreaterThan(config.upstream().firstByteTimeout());
        assertThat(router).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void onlyKeysTheGatewayKnowsAreSet() {
        // Redundant with the loader, but names the offending key plainly if Option changes.
        var tree = DeployFiles.documents(DeployFiles.deployDir().resolve("base/qgate.yaml")).get(0);
        java.util.List<String> keys = new java.util.ArrayList<>();
        collectKeys("", tree, keys);
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(Option.ofKey(key)).as(key).isNotNull());
        // A pool's keys: its name and models, and the gateway's own keys it sets for itself.
        assertThat(tree.path("pools")).isNotEmpty().allSatisfy(pool -> {
            java.util.List<String> own = new java.util.ArrayList<>();
            collectKeys("", pool, own);
            own.removeAll(java.util.List.of("name", "models"));
            assertThat(own).allSatisfy(key -> assertThat(Option.ofKey(key)).as(key).isNotNull());
        });
    }

    private static void collectKeys(String prefix, tools.jackson.databind.JsonNode node, java.util.List<String> keys) {
        for (var field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                collectKeys(key, field.getValue(), keys);
            } else if (!key.equals("pools")) {
                keys.add(key);
            }
        }
    }
}
