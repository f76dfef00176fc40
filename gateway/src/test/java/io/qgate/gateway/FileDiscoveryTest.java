package io.qgate.gateway;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The gateway with {@code discovery.file}: requests follow the file, readiness follows its replicas. */
class FileDiscoveryTest extends LoopbackGatewayTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[]}";

    @TempDir
    Path directory;

    private static void replace(Path file, String content) throws Exception {
        Path temporary = Files.writeString(file.resolveSibling("replicas.tmp"), content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void requestsGoToTheReplicasInTheFileAndReadinessFollowsItsChanges() throws Exception {
        StubReplica first = stub().respondWith(StubReplica.json("{\"replica\":1}"));
        StubReplica second = stub().respondWith(StubReplica.json("{\"replica\":2}"));
        Path file = Files.writeString(directory.resolve("replicas"),
                "# the test's replicas\nhttp://127.0.0.1:" + first.port() + "\n");
        Gateway gateway = gateway("", "discovery.file", file.toString());

        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(200);
        assertThat(post(gateway, "/v1/chat/completions", CHAT).body()).isEqualTo("{\"replica\":1}");

        replace(file, "http://127.0.0.1:" + first.port() + " ready=false\nhttp://127.0.0.1:" + second.port() + "\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.router().snapshot().accepting().size() == 1
                && gateway.router().snapshot().endpoints().size() == 2);
        assertThat(post(gateway, "/v1/chat/completions", CHAT).body()).isEqualTo("{\"replica\":2}");

        replace(file, "http://127.0.0.1:" + first.port() + " ready=false\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> get(gateway.adminPort(), "/readyz").statusCode() == 503);
    }

    @Test
    void aBrokenFileShowsAsDiscoveryNotSyncedWhileTheLastReplicasKeepServing() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.json("{\"replica\":1}"));
        Path file = Files.writeString(directory.resolve("replicas"), "http://127.0.0.1:" + replica.port() + "\n");
        Gateway gateway = gateway("", "discovery.file", file.toString());

        replace(file, "http://127.0.0.1:" + replica.port() + " weight=3\n");

        await().atMost(Duration.ofSeconds(5)).until(() -> get(gateway.adminPort(), "/metrics").body()
                .contains("qgate_discovery_synced{pool=\"default\"} 0.0"));
        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(200);
        assertThat(post(gateway, "/v1/chat/completions", CHAT).body()).isEqualTo("{\"replica\":1}");
    }

    @Test
    void aMissingFileStartsTheGatewayWithNoReplicasNotReady() throws Exception {
        Gateway gateway = gateway("", "discovery.file", directory.resolve("absent").toString());

        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(503);
        assertThat(gateway.router().snapshot().endpoints()).isEmpty();
    }

    @Test
    void moreThanOneSourceOfReplicasIsRefusedAtStart() {
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("endpoints", "http://a:1", "discovery.file", "/etc/r")))
                .hasMessage("sources of replicas: endpoints and discovery.file (expected: one of endpoints, "
                        + "discovery.file or discovery.kubernetes.service)");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("discovery.file", "/etc/r",
                "discovery.kubernetes.service", "litellm")))
                .hasMessageStartingWith("sources of replicas: discovery.file and discovery.kubernetes.service (");
        assertThat(GatewayConfig.of(Map.of("discovery.file", " /etc/r ")).discovery().file()).isEqualTo("/etc/r");
    }
}
