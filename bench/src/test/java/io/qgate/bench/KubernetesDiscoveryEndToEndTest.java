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
import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes discovery end to end: fabric8's mock API server holds the Service's EndpointSlice,
 * the gateway follows it, and simulated replicas on 127.0.0.1-3 (one port, as pods share their
 * container port) serve what it routes.
 */
class KubernetesDiscoveryEndToEndTest {

    private static final String NAMESPACE = "llm";

    private final List<SimServer> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KubernetesMockServer api;
    private KubernetesClient client;
    private Gateway gateway;
    private int port;

    @BeforeEach
    void start() {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.seed = 1;
            o.timeScale = 1;
            o.maxNumSeqs = 64;
        });
        SimServer first = SimServer.start(options.with(o -> {
            o.host = "127.0.0.1";
            o.port = 0;
        }));
        replicas.add(first);
        port = first.port();
        replicas.add(SimServer.start(options.with(o -> {
            o.host = "127.0.0.2";
            o.port = port;
        })));
        replicas.add(SimServer.start(options.with(o -> {
            o.host = "127.0.0.3";
            o.port = port;
        })));

        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        put(slice(Map.of("127.0.0.1", "ready", "127.0.0.2", "ready")));
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                        "admin.port", "0", "shutdown.delay", "0s")),
                KubernetesEndpointSource.create(client, KubernetesSettings.of("litellm").withNamespace(NAMESPACE)
                        .withPortName("http")));
        await().atMost(Duration.ofSeconds(10)).until(gateway::ready);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        client.close();
        api.destroy();
        replicas.forEach(SimServer::close);
    }

    private void put(EndpointSlice slice) {
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).createOr(s -> s.update());
    }

    /** One slice of the Service; each address is "ready" or "terminating" (still serving). */
    private EndpointSlice slice(Map<String, String> members) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
        members.forEach((address, state) -> endpoints.add(new EndpointBuilder()
                .withAddresses(address)
                .withNewConditions().withReady(state.equals("ready")).withServing(true)
                .withTerminating(state.equals("terminating")).endConditions()
                .withNewTargetRef().withKind("Pod").withName("litellm-" + address.substring(8)).endTargetRef()
                .build()));
        return new EndpointSliceBuilder()
                .withNewMetadata().withName("litellm-abc").addToLabels("kubernetes.io/service-name", "litellm")
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(new EndpointPortBuilder().withName("http").withPort(port).withProtocol("TCP").build())
                .withEndpoints(endpoints)
                .build();
    }


    private void embeddings(int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/embeddings"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                            + "\",\"input\":\"text " + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void growingTheSliceFromTwoToThreeAddressesSendsRequestsToTheThird() throws Exception {
        embeddings(20);
        assertThat(Served.by(replicas.get(2))).isZero();

        put(slice(Map.of("127.0.0.1", "ready", "127.0.0.2", "ready", "127.0.0.3", "ready")));
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.router().snapshot().accepting().size() == 3);
        embeddings(30);

        assertThat(Served.by(replicas.get(2))).isPositive();
        assertThat(gateway.router().snapshot().endpoints()).extracting(e -> e.details().podName())
                .containsExactly("litellm-1", "litellm-2", "litellm-3");
    }

    @Test
    void aTerminatingReplicaTakesNoNewRequestsWhileItsStreamCompletes() throws Exception {
        // About 7.5 s of generation: still running while the other requests are checked below.
        CompletableFuture<HttpResponse<String>> stream = http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                        + "\",\"stream\":true,\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> replicas.get(0).running() + replicas.get(1).running() == 1);
        int busy = replicas.get(0).running() == 1 ? 0 : 1;
        String busyAddress = "127.0.0.%d".formatted(busy + 1);
        String otherAddress = "127.0.0.%d".formatted(2 - busy);

        put(slice(Map.of(busyAddress, "terminating", otherAddress, "ready")));
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.router().snapshot().accepting().size() == 1);
        double before = Served.by(replicas.get(busy));
        embeddings(20);

        assertThat(gateway.router().snapshot().endpoints()).filteredOn(Endpoint::terminating)
                .extracting(Endpoint::host).containsExactly(busyAddress);
        assertThat(Served.by(replicas.get(busy))).isEqualTo(before);
        HttpResponse<String> finished = stream.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).endsWith("data: [DONE]\n\n");
    }
}
