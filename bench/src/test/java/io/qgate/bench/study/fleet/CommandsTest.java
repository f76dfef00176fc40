package io.qgate.bench.study.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CommandsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aQuickAutoscaleRunWritesItsReportResultsAndPlot() throws Exception {
        int status = AutoscaleCommand.run(new String[] {"--quick", "--out", dir.toString()}, print(out), print(err));

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("| step | rate 60/s per replica |")
                .contains("![autoscale-step.png](autoscale-step.png)");
        assertThat(Files.size(dir.resolve("autoscale-step.png"))).isGreaterThan(10_000);
        JsonNode json = JsonMapper.shared().readTree(Files.readString(dir.resolve("results.json")));
        assertThat(json.get("runs")).hasSize(5);
        assertThat(json.get("recommended").get("fromSweep").asBoolean()).isFalse();
        assertThat(text(err)).contains("quick: one target per signal");
    }

    @Test
    void badOptionsAreRefusedWithTheUsageStatus() {
        assertThat(AutoscaleCommand.run(new String[] {"--trace", "sawtooth"}, print(out), print(err)))
                .isEqualTo(AutoscaleCommand.USAGE_STATUS);
        assertThat(text(err)).contains("autoscale: trace: sawtooth");
        assertThat(FleetRoutingCommand.run(new String[] {"--replicas", "4"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-routing: unknown option: --replicas");
        assertThat(FleetRoutingCommand.run(new String[] {"--peers", "yes"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("--peers: yes (expected: on or off)");
        assertThat(FleetPeersCommand.run(new String[] {"--replicas", "0"}, print(out), print(err)))
                .isEqualTo(FleetPeersCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-peers: --replicas: 0 (expected: > 0)");
        assertThat(FleetPeersCommand.run(new String[] {"--peer-loss", "1"}, print(out), print(err)))
                .isEqualTo(FleetPeersCommand.USAGE_STATUS);
        assertThat(text(err)).contains("loss: 1.0 (expected: in [0, 1))");
    }

    @Test
    void aSmallPeersRunComparesPeersOffAndOnAgainstTheOracle() {
        int status = FleetPeersCommand.run(new String[] {"--replicas", "4", "--scrape-intervals", "1s"}, print(out),
                print(err));

        assertThat(status).isZero();
        assertThat(text(out)).contains("| replicas | gateways | scrape | peers | TTFT p99 ms | oracle p99 ms | ratio |")
                .contains("| 4 | 3 | 1s | off | ").contains("| 4 | 3 | 1s | on | ");
    }

    @Test
    void bothCommandsExplainThemselves() {
        assertThat(AutoscaleCommand.run(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(FleetRoutingCommand.run(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(text(out)).contains("Usage: java -jar qgate-bench.jar autoscale")
                .contains("Usage: java -jar qgate-bench.jar fleet-routing");
    }

    @Test
    void aShortLoraRunPrintsBothRoutings() {
        int status = FleetLoraCommand.run(new String[] {"--warmup", "5", "--seconds", "20"}, print(out), print(err));

        assertThat(status).isZero();
        assertThat(text(out)).contains("| routing | adapter loads | TTFT p50 ms | TTFT p99 ms | requests | failed |")
                .contains("| queue | ").contains("| queue + lora | ");
        assertThat(FleetLoraCommand.run(new String[] {"--replica", "4"}, print(out), print(err))).isEqualTo(FleetLoraCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-lora: unknown option: --replica");
    }

    private static PrintStream print(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream sink) {
        return sink.toString(StandardCharsets.UTF_8);
    }
}
