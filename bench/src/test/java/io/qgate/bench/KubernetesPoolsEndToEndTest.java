package io.qgate.bench;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.discovery.kubernetes.KubernetesEndpointSource;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two model pools, each following its own Service's EndpointSlices in fabric8's mock API server,
 * with simulated replicas that serve one model each (a replica asked for another model answers
 * 404, as vLLM does): requests go to their model's pool, and each pool follows its own Service.
 */
class KubernetesPoolsEndToEndTest {

    private static final String NAMESPACE = "llm";

    private final List<SimServer> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KubernetesMockServer api;
    private KubernetesClient client;
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.destroy();
        }
        replicas.forEach(SimServer::close);
    }

    /** Replicas of {@code model} on the given loopback addresses, all on one port (as pods share theirs). */
    private int replicasOf(String model, String... hosts) {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.model = model;
            o.seed = 1;
            o.timeScale = 1;
        });
        SimServer first = SimServer.start(options.with(o -> {
            o.host = hosts[0];
            o.port = 0;
        }));
        replicas.add(first);
        for (int i = 1; i < hosts.length; i++) {
            String host = hosts[i];
            replicas.add(SimServer.start(options.with(o -> {
                o.host = host;
                o.port = first.port();
            })));
        }
        return first.port();
    }

    private void put(String service, int port, String... readyHosts) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
        for (String host : readyHosts) {
            endpoints.add(new EndpointBuilder().withAddresses(host)
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .build());
        }
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(service + "-abc").addToLabels("kubernetes.io/service-name", service)
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(new EndpointPortBuilder().withName("http").withPort(port).withProtocol("TCP").build())
                .withEndpoints(endpoints)
                .build();
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).createOr(s -> s.update());
    }

    private HttpResponse<String> chat(String model) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1/chat/completions")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachPoolFollowsItsOwnServiceAndServesItsOwnModel() throws Exception {
        int llamaPort = replicasOf("llama-8b", "127.0.0.1", "127.0.0.2");
        int qwenPort = replicasOf("qwen-32b", "127.0.0.3", "127.0.0.4");
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        put("litellm-llama", llamaPort, "127.0.0.1", "127.0.0.2");
        put("litellm-qwen", qwenPort, "127.0.0.3");
        GatewayConfig config = GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "shutdown.delay", "0s", "discovery.models-refresh", "0",
                "discovery.kubernetes.namespace", NAMESPACE, "discovery.kubernetes.port-name", "http"), List.of(
                Map.of("name", "llama", "models", "llama-8b", "discovery.kubernetes.service", "litellm-llama"),
                Map.of("name", "qwen", "models", "qwen-32b", "discovery.kubernetes.service", "litellm-qwen")));
        gateway = Gateway.start(config, pool -> KubernetesEndpointSource.create(client,
                pool.discovery().kubernetes().settings()));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.pools().byName("llama").router().snapshot()
                .accepting().size() == 2 && gateway.pools().byName("qwen").router().snapshot().accepting().size() == 1);

        for (int i = 0; i < 6; i++) {
            assertThat(chat("llama-8b").statusCode()).isEqualTo(200);
            assertThat(chat("qwen-32b").statusCode()).isEqualTo(200);
        }
        // Both llama replicas took a share; qwen's second replica is not in its Service yet.
        assertThat(replicas.get(0).apiRequests()).isPositive();
        assertThat(replicas.get(1).apiRequests()).isPositive();
        assertThat(replicas.get(2).apiRequests()).isEqualTo(6);
        assertThat(replicas.get(3).apiRequests()).isZero();

        put("litellm-qwen", qwenPort, "127.0.0.3", "127.0.0.4");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                gateway.pools().byName("qwen").router().snapshot().accepting().size() == 2);
        assertThat(gateway.pools().byName("llama").router().snapshot().accepting()).hasSize(2);
        for (int i = 0; i < 6; i++) {
            assertThat(chat("qwen-32b").statusCode()).isEqualTo(200);
        }
        assertThat(replicas.get(3).apiRequests()).isPositive();
    }
}
