package io.qgate.bench.harness.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated nginx and HAProxy configurations are what the binaries themselves accept
 * ({@code nginx -t}, {@code haproxy -c}) where they are installed, and bind loopback only.
 */
class PeerConfigTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Peer.class)
    void leastConnectionsConfigurationIsValid(Peer peer) {
        PeerConfig config = new PeerConfig(18_555, List.of(18_001, 18_002), 2, Balance.LEAST_CONNECTIONS,
                dir.resolve(peer.id()));
        String text = peer.render(config);
        assertThat(text).contains("127.0.0.1:18555", "127.0.0.1:18001", "127.0.0.1:18002")
                .contains(peer == Peer.NGINX ? "least_conn;" : "balance leastconn")
                .contains(peer == Peer.NGINX ? "worker_processes 2;" : "nbthread 2")
                .doesNotContain("0.0.0.0");
        assumeThat(peer.binary()).as(peer.id() + " installed").isPresent();
        Peer.Validation validation = peer.validate(config);
        assertThat(validation.valid()).as(validation.output()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Peer.class)
    void roundRobinConfigurationIsValid(Peer peer) {
        PeerConfig config = new PeerConfig(18_556, List.of(18_001), 1, Balance.ROUND_ROBIN, dir.resolve(peer.id()));
        assertThat(peer.render(config)).doesNotContain("least");
        assumeThat(peer.binary()).as(peer.id() + " installed").isPresent();
        Peer.Validation validation = peer.validate(config);
        assertThat(validation.valid()).as(validation.output()).isTrue();
    }
}
