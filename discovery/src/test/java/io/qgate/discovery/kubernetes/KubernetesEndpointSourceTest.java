package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import static io.qgate.discovery.kubernetes.Slices.Member;
import static io.qgate.discovery.kubernetes.Slices.port;
import static io.qgate.discovery.kubernetes.Slices.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The informer paths against fabric8's mock API server in CRUD mode. */
class KubernetesEndpointSourceTest {

    private static final String NAMESPACE = "llm";
    private static final List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> HTTP =
            List.of(port("http", 4000), port("metrics", 8000));

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesEndpointSource source;
    private final List<EndpointSnapshot> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() {
        server = MockApiServer.start(0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // The mock server gives its Vert.x instance a fixed 10 s to close and throws past it,
            // which a loaded 2-core machine has exceeded once. Nothing is asserted about closing;
            // every test starts its own server on an ephemeral port, so none inherits this one.
            if (!(e.getCause() instanceof TimeoutException)) {
                throw e;
            }
        }
    }

    private KubernetesEndpointSource start(KubernetesSettings settings) {
        source = KubernetesEndpointSource.create(client, settings.withNamespace(NAMESPACE));
        source.start(published::add);
        return source;
    }

    private EndpointSnapshot last() {
        return published.isEmpty() ? null : published.get(published.size() - 1);
    }

    private List<String> accepting() {
        EndpointSnapshot last = last();
        return last == null ? List.of() : last.accepting().stream().map(Endpoint::authority).toList();
    }

    private List<String> known() {
        EndpointSnapshot last = last();
        return last == null ? List.of() : last.endpoints().stream().map(Endpoint::toString).toList();
    }

    private void put(EndpointSlice slice) {
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).createOr(s -> s.update());
    }

    @Test
    void followsSlicesAddedUpdatedAndDeleted() {
        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2")));
        start(KubernetesSettings.of(Slices.SERVICE).withPortName("http").withMetricsPort("metrics"));

        await().until(source::synced);
        assertThat(accepting()).containsExactly("10.0.0.1:4000", "10.0.0.2:4000");
        assertThat(last().endpoints().get(0).metricsPort()).isEqualTo(8000);
        assertThat(last().endpoints().get(0).details()).isEqualTo(new Endpoint.Details("pod-10.0.0.1", "node-1", "zone-a"));

        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2"), Member.ready("10.0.0.3")));
        await().until(() -> accepting().size() == 3);

        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2"), Member.terminating("10.0.0.3")));
        await().until(() -> known().contains("10.0.0.3:4000 (terminating)"));
        assertThat(accepting()).containsExactly("10.0.0.1:4000", "10.0.0.2:4000");

        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2")));
        await().until(() -> known().size() == 2);

        put(slice("litellm-b", HTTP, Member.ready("10.0.0.9")));
        await().until(() -> accepting().size() == 3);
        assertThat(accepting()).containsExactly("10.0.0.1:4000", "10.0.0.2:4000", "10.0.0.9:4000");

        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("litellm-a").delete();
        await().until(() -> accepting().equals(List.of("10.0.0.9:4000")));
        assertThat(source.watching()).isTrue();
    }

    @Test
    void aRenamedPortIsFollowed() {
        put(slice("litellm-a", List.of(port("web", 4000)), Member.ready("10.0.0.1")));
        start(KubernetesSettings.of(Slices.SERVICE).withPortName("http"));
        await().until(source::synced);
        assertThat(last().endpoints()).isEmpty();

        put(slice("litellm-a", List.of(port("http", 4001)), Member.ready("10.0.0.1")));
        await().until(() -> accepting().equals(List.of("10.0.0.1:4001")));
    }

    @Test
    void anAddressMovingBetweenSlicesNeverLeavesTheSnapshot() {
        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2")));
        put(slice("litellm-b", HTTP, Member.ready("10.0.0.3")));
        start(KubernetesSettings.of(Slices.SERVICE));
        await().until(() -> accepting().size() == 3);

        put(slice("litellm-b", HTTP, Member.ready("10.0.0.3"), Member.ready("10.0.0.2")));
        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1")));
        await().until(() -> client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("litellm-a")
                .get().getEndpoints().size() == 1);
        put(slice("litellm-c", HTTP, Member.ready("10.0.0.4")));
        await().until(() -> accepting().size() == 4);

        assertThat(published).allSatisfy(snapshot -> assertThat(snapshot.accepting()).hasSizeGreaterThanOrEqualTo(3));
        for (int i = 1; i < published.size(); i++) {
            assertThat(published.get(i)).isNotEqualTo(published.get(i - 1));
        }
    }

    @Test
    void otherServicesAndNamespacesAreIgnoredAndAnEmptyServiceStillSyncs() {
        EndpointSlice other = slice("other", HTTP, Member.ready("10.9.9.9"));
        other.getMetadata().getLabels().put(KubernetesEndpointSource.SERVICE_NAME_LABEL, "other");
        put(other);
        client.discovery().v1().endpointSlices().inNamespace("elsewhere")
                .resource(slice("litellm-x", HTTP, Member.ready("10.8.8.8"))).create();
        start(KubernetesSettings.of(Slices.SERVICE));

        await().until(source::synced);
        assertThat(last().endpoints()).isEmpty();
    }

    @Test
    void fallsBackToEndpointsWhenSlicesCannotBeListed() {
        server.destroy();
        client.close();
        server = MockApiServer.start(0, true);
        client = server.createClient();
        client.endpoints().inNamespace(NAMESPACE).resource(Slices.endpoints(List.of("10.0.0.1"), List.of("10.0.0.2"), 4000))
                .create();
        start(KubernetesSettings.of(Slices.SERVICE));

        await().until(source::synced);
        assertThat(source.activeApi()).isEqualTo(KubernetesSettings.Api.ENDPOINTS);
        assertThat(accepting()).containsExactly("10.0.0.1:4000");

        client.endpoints().inNamespace(NAMESPACE).resource(
                Slices.endpoints(List.of("10.0.0.1", "10.0.0.2"), List.of(), 4000)).update();
        await().until(() -> accepting().size() == 2);
    }

    @Test
    void endpointsCanBeChosenByConfiguration() {
        put(slice("litellm-a", HTTP, Member.ready("10.0.0.7")));
        client.endpoints().inNamespace(NAMESPACE).resource(Slices.endpoints(List.of("10.0.0.1"), List.of(), 4000))
                .create();
        start(KubernetesSettings.of(Slices.SERVICE).withApi(KubernetesSettings.Api.ENDPOINTS));

        await().until(source::synced);
        assertThat(accepting()).containsExactly("10.0.0.1:4000");
    }

    @Test
    void anOutageKeepsTheLastEndpointsAndReportsItThenRecovers() throws Exception {
        put(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2")));
        start(KubernetesSettings.of(Slices.SERVICE));
        await().until(source::watching);
        EndpointSnapshot before = last();
        int port = server.getPort();

        server.destroy();
        await().atMost(Duration.ofSeconds(10)).until(() -> !source.watching());
        assertThat(source.synced()).isTrue();
        assertThat(last()).isEqualTo(before);
        assertThat(before.accepting()).hasSize(2);

        // A new, empty API server on the same address: the watch reconnects by itself, and what
        // the new server reports from then on is followed.
        server = MockApiServer.start(port);
        await().atMost(Duration.ofSeconds(15)).until(source::watching);
        assertThat(last()).isEqualTo(before);
        try (KubernetesClient admin = server.createClient()) {
            // The new server counts resource versions from 1 again; a first write makes the next one newer
            // than the version the informer resumes its watch from.
            admin.discovery().v1().endpointSlices().inNamespace("elsewhere")
                    .resource(slice("filler", HTTP, Member.ready("10.9.9.9"))).create();
            admin.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                    .resource(slice("litellm-a", HTTP, Member.ready("10.0.0.1"), Member.ready("10.0.0.2"),
                            Member.ready("10.0.0.3"))).create();
            await().atMost(Duration.ofSeconds(15)).until(() -> source.watching() && accepting().size() == 3);
        }
    }
}
