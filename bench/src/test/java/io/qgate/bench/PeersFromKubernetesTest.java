package io.qgate.bench;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.qgate.discovery.kubernetes.KubernetesEndpointSource;
import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.gateway.peers.PeerTransport;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.Strategies;
import io.qgate.routing.peers.PeerExchange;
import io.qgate.routing.peers.PeerVerdict;
import io.qgate.routing.peers.ReplicaLoads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers found through the gateway's own headless Service: fabric8's mock API server holds its
 * EndpointSlice with two gateway pods, on 127.0.0.1 and 127.0.0.2, which share one peers port as
 * pods do; each pod's exchange hears the other and ignores itself.
 */
class PeersFromKubernetesTest {

    private static final String NAMESPACE = "llm";
    private static final byte[] KEY = "peers from kubernetes, a key".getBytes(StandardCharsets.UTF_8);
    private static final Endpoint REPLICA = Endpoint.of("10.0.0.1", 8000);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private KubernetesMockServer api;
    private KubernetesClient client;

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (client != null) {
            client.close();
            api.destroy();
        }
    }

    private static Router router() {
        Router router = new Router(Strategies.roundRobin());
        router.update(EndpointSnapshot.of(List.of(REPLICA)));
        return router;
    }

    private PeerTransport pod(String address, int port, PeerExchange exchange) {
        KubernetesEndpointSource source = KubernetesEndpointSource.create(client,
                KubernetesSettings.of("qgate-peers").withNamespace(NAMESPACE));
        PeerTransport transport = new PeerTransport(exchange, source, endpoint -> port, address, port,
                Duration.ofMillis(10));
        resources.add(transport);
        return transport;
    }

    private static PeerExchange exchange(long id, Router router) {
        return new PeerExchange(id, KEY, ReplicaLoads.of(() -> List.of(router)), System::nanoTime,
                () -> System.currentTimeMillis() * 1000);
    }

    @Test
    void thePodsOfTheServiceArePeersOnTheSharedPort() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("qgate-peers-abc").addToLabels("kubernetes.io/service-name", "qgate-peers")
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(new EndpointPortBuilder().withName("admin").withPort(9090).withProtocol("TCP").build(),
                        new EndpointPortBuilder().withName("peers").withPort(9091).withProtocol("UDP").build())
                .withEndpoints(List.of(
                        new EndpointBuilder().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions()
                                .build(),
                        new EndpointBuilder().withAddresses("127.0.0.2").withNewConditions().withReady(true).endConditions()
                                .build()))
                .build()).create();
        int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Router first = router();
        Router second = router();
        PeerExchange firstExchange = exchange(1, first);
        PeerExchange secondExchange = exchange(2, second);
        pod("127.0.0.1", port, firstExchange);
        pod("127.0.0.2", port, secondExchange);

        first.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), List.of());
        first.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), List.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> second.load(REPLICA).peers().inflight() == 2);
        assertThat(secondExchange.live()).isEqualTo(1);
        // The second pod has dispatched nothing: the first hears of it at its next idle round.
        await().atMost(Duration.ofSeconds(10)).until(() -> firstExchange.live() == 1);
        assertThat(secondExchange.count(PeerVerdict.FORGED) + secondExchange.count(PeerVerdict.MALFORMED)).isZero();
        assertThat(first.load(REPLICA).peers().inflight()).isZero();
    }
}
