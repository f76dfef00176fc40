package io.qgate.bench.study.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.cli.CommandLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
                .contains("| step | GPU 80% per replica |", "| step | LiteLLM memory 750 MiB per replica |",
                        "| step | GPU memory 80000 MiB per replica |", "## GPU utilization against load")
                .contains("![autoscale-step.png](autoscale-step.png)");
        assertThat(Files.size(dir.resolve("autoscale-step.png"))).isGreaterThan(10_000);
        JsonNode json = JsonMapper.shared().readTree(Files.readString(dir.resolve("results.json")));
        assertThat(json.get("runs")).hasSize(8);
        assertThat(json.get("gpuBusy")).isNotEmpty();
        assertThat(json.get("recommended").get("fromSweep").asBoolean()).isFalse();
        assertThat(text(err)).contains("quick: one target per signal");
    }

    @Test
    void aQuickScaleFromZeroRunWritesItsReportAndResults() throws Exception {
        int status = AutoscaleZeroCommand.run(new String[] {"--quick", "--out", dir.toString()}, print(out), print(err));

        assertThat(status).isZero();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("| min 1 (HPA alone) |")
                .contains("| min 0, qgate holds |").contains("## The wait of the requests that arrived at zero");
        JsonNode json = JsonMapper.shared().readTree(Files.readString(dir.resolve("results.json")));
        assertThat(json.get("runs")).hasSize(4);
        JsonNode holding = json.get("runs").get(1);
        assertThat(holding.get("failed").asLong()).isZero();
        assertThat(holding.get("heldWait").get("count").asLong()).isPositive();
        assertThat(AutoscaleZeroCommand.run(new String[] {"--compression", "0.5"}, print(out), print(err)))
                .isEqualTo(AutoscaleZeroCommand.USAGE_STATUS);
        assertThat(text(err)).contains("autoscale-zero: compression: 0.5 (expected: >= 1)");
    }

    @Test
    void badOptionsAreRefusedWithTheUsageStatus() {
        assertThat(AutoscaleCommand.run(new String[] {"--trace", "sawtooth"}, print(out), print(err)))
                .isEqualTo(AutoscaleCommand.USAGE_STATUS);
        assertThat(text(err)).contains("autoscale: trace: sawtooth");
        assertThat(FleetRoutingCommand.run(new String[] {"--replica", "4"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-routing: unknown option: --replica");
        assertThat(FleetRoutingCommand.run(new String[] {"--workload", "bursty"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-routing: workload: bursty (expected: sharegpt, prefix-heavy");
        assertThat(FleetRoutingCommand.run(new String[] {"--policies", "queue,fastest"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-routing: policy: fastest (expected: one of");
    }

    @Test
    void aComparisonWritesOneRowPerPolicyAndLoadWithTheNamesChecksRead() throws Exception {
        int status = FleetRoutingCommand.run(new String[] {"--workload", "prefix-heavy", "--policies", "queue,work",
            "--replicas", "2", "--gateways", "1", "--scrape-interval", "100ms", "--duration", "8s", "--seed", "3",
            "--out", dir.toString()}, print(out), print(err));

        assertThat(status).isZero();
        JsonNode json = JsonMapper.shared().readTree(Files.readString(dir.resolve("results.json")));
        assertThat(json.get("rows").size()).isGreaterThanOrEqualTo(2);
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("policy").asString()).isIn("queue", "work");
            assertThat(row.get("workload").asString()).isEqualTo("prefix-heavy");
            assertThat(row.get("replicas").asInt()).isEqualTo(2);
            assertThat(row.get("gateways").asInt()).isEqualTo(1);
            assertThat(row.get("ttftP50Ms").isNumber() || row.get("ttftP50Ms").isNull()).isTrue();
            assertThat(row.has("ttftP99Ms")).isTrue();
            assertThat(row.get("outputTokensPerSecond").asDouble()).isPositive();
        }
        // Each policy's steps end with the first that broke the objective (or run to the last load).
        assertThat(json.get("atObjective")).hasSize(2);
        assertThat(Files.readString(dir.resolve("report.md"))).contains("## At the objective (TTFT p99 <= 2000 ms)")
                .contains("| work | ");
    }

    @Test
    void peersFlagsAreCheckedAtTheEdge() {
        assertThat(FleetRoutingCommand.run(new String[] {"--peers", "yes"}, print(out), print(err)))
                .isEqualTo(FleetRoutingCommand.USAGE_STATUS);
        assertThat(text(err)).contains("--peers: yes (expected: on or off)");
        assertThat(FleetPeersCommand.run(new String[] {"--replicas", "0"}, print(out), print(err)))
                .isEqualTo(FleetPeersCommand.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-peers: --replicas: 0 (expected: > 0)");
        assertThat(FleetPeersCommand.run(new String[] {"--peer-loss", "1"}, print(out), print(err)))
                .isEqualTo(FleetPeersCommand.USAGE_STATUS);
        assertThat(text(err)).contains("loss: 1.0 (expected: in [0, 1))");
        assertThat(FleetPeersCommand.run(new String[] {"--policies", "random"}, print(out), print(err)))
                .isEqualTo(FleetPeersCommand.USAGE_STATUS);
        assertThat(text(err)).contains("--policies: random (expected: queue, queue-uncorrected, queue-sampled, "
                + "queue-full-scan, queue-no-spread, work, work-full-scan or work-no-spread)");
    }

    @Test
    void scaleFlagsAreCheckedAtTheEdge() {
        assertThat(FleetScaleCommand.run(new String[] {"--policies", "fastest"}, print(out), print(err)))
                .isEqualTo(CommandLine.USAGE_STATUS);
        assertThat(text(err)).contains("fleet-scale: --policies: fastest (expected: of [oracle, partition, queue");
        assertThat(FleetScaleCommand.run(new String[] {"--seconds", "0"}, print(out), print(err)))
                .isEqualTo(CommandLine.USAGE_STATUS);
        assertThat(text(err)).contains("--seconds: 0.0 (expected: > 0)");
    }

    @Test
    void aShortScaleRunRoutesTheIndexTheFullScanAndTheSampleOnTheSameArrivals() {
        int status = FleetScaleCommand.run(new String[] {"--policies", "queue,queue-full-scan,queue-sampled",
                "--seconds", "0.5"}, print(out), print(err));

        assertThat(status).isZero();
        String table = text(out);
        assertThat(table).contains("| policy | requests | answered/s | TTFT p50 ms | TTFT p99 ms | failed | wall s |");
        // The same seed offers both the same requests; every one is routed and none fails.
        String indexed = table.lines().filter(line -> line.startsWith("| queue |")).findFirst().orElseThrow();
        String scanned = table.lines().filter(line -> line.startsWith("| queue-full-scan |")).findFirst().orElseThrow();
        String sampled = table.lines().filter(line -> line.startsWith("| queue-sampled |")).findFirst().orElseThrow();
        for (String row : List.of(indexed, scanned, sampled)) {
            assertThat(row.split("\\|")[2]).isEqualTo(indexed.split("\\|")[2]);
            assertThat(row.split("\\|")[6].trim()).isEqualTo("0");
        }
    }

    @Test
    void aSmallPeersRunComparesPeersOffAndOnAgainstTheOracle() {
        int status = FleetPeersCommand.run(new String[] {"--replicas", "4", "--scrape-intervals", "1s"}, print(out),
                print(err));

        assertThat(status).isZero();
        assertThat(text(out)).contains("| policy | replicas | gateways | scrape | peers | TTFT p99 ms | oracle p99 ms "
                        + "| ratio | answered/s |")
                .contains("| queue | 4 | 3 | 1s | off | ").contains("| queue | 4 | 3 | 1s | on | ");
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
        assertThat(text(out)).contains("| routing | adapter loads | TTFT p50 ms | TTFT p99 ms | requests | answered | "
                        + "failed | queues |")
                .contains("| queue | ").contains("| queue + lora | ")
                .as("two slots for twelve adapters: vLLM holds requests back whoever routes")
                .contains("held back for good: stopped at");
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
