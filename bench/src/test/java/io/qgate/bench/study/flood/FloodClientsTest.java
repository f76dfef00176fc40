package io.qgate.bench.study.flood;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.LoopbackSettings;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flood's attackers against a gateway with a short head timeout: the idle connections stay
 * open (the idle timeout is minutes), every slow one is answered 408 and closed, and replaced.
 */
class FloodClientsTest {

    @Test
    void slowHeadsGet408AndAreReplacedWhileIdleConnectionsStayOpen(@TempDir Path dir) {
        Map<String, String> settings = LoopbackSettings.of();
        settings.put("endpoints", "http://127.0.0.1:9");
        settings.put("server.request-head-timeout", "500ms");
        Path out = dir.resolve("flood.json");
        try (Gateway gateway = Gateway.start(GatewayConfig.of(settings))) {
            int status = FloodClients.run(new String[] {"--port", Integer.toString(gateway.port()), "--idle", "20",
                "--slow", "5", "--duration", "4s", "--out", out.toString()});
            assertThat(status).isZero();
        }
        FloodClients.Summary summary = JsonFiles.read(out, FloodClients.Summary.class);

        assertThat(summary.idleOpened()).isEqualTo(20);
        assertThat(summary.idleClosedByServer()).isZero();
        assertThat(summary.slow408()).isGreaterThanOrEqualTo(5);
        assertThat(summary.slowClosedWithout408()).isZero();
        assertThat(summary.slowOpened()).isGreaterThan(5);
        assertThat(summary.connectFailures()).isZero();
    }
}
