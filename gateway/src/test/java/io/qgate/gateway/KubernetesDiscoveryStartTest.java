package io.qgate.gateway;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qgate.discovery.kubernetes.KubernetesEndpointSource;
import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway with Kubernetes discovery when the API server cannot be reached at start. */
class KubernetesDiscoveryStartTest {

    private static final GatewayConfig CONFIG = GatewayConfig.of(Map.of("server.host", "127.0.0.1",
            "server.port", "0", "admin.port", "0", "shutdown.delay", "0s"));

    @Test
    void anUnreachableApiServerNeitherFailsNorBlocksTheStartAndReadinessSaysNotReady() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closedPort).withNamespace("llm").build()).build();
             Gateway gateway = Gateway.start(CONFIG,
                     KubernetesEndpointSource.create(client, KubernetesSettings.of("litellm")))) {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.adminPort() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(metrics).contains("qgate_discovery_synced{pool=\"default\"} 0.0")
                    .contains("qgate_discovery_last_event_age_seconds");
        }
    }

    @Test
    void theKeysAreValidatedAtTheEdgeAndTheStaticListStaysTheDefault() {
        assertThat(CONFIG.discovery().kubernetes().enabled()).isFalse();
        assertThat(GatewayConfig.of(Map.of("discovery.kubernetes.service", "litellm",
                "discovery.kubernetes.metrics-port", "metrics")).discovery().kubernetes().settings().metricsPort())
                .isEqualTo("metrics");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("discovery.kubernetes.api", "slices")))
                .hasMessage("discovery.kubernetes.api: slices (expected: auto, endpointslices or endpoints)");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("discovery.kubernetes.service", "litellm",
                "discovery.kubernetes.metrics-port", "0")))
                .hasMessageStartingWith("discovery.kubernetes.metrics-port: 0");
    }
}
