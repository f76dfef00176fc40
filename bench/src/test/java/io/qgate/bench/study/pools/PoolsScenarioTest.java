package io.qgate.bench.study.pools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick pools scenario end to end: each pool's requests reach only its own replicas (a replica
 * of the other pool would refuse the model with 404), none fails, and both files are written.
 * Latency ratios are for the full run.
 */
class PoolsScenarioTest {

    @Test
    @Timeout(60)
    void quickRunKeepsEveryRequestInItsOwnPool(@TempDir Path out) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = PoolsCommand.run(new String[] {"--quick", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertThat(status).as(progress).isZero();
        assertThat(progress).contains("phase 1/4", "phase 4/4", "done in");

        JsonNode json = JsonMapper.shared().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.get("everyRequestAtItsOwnPool").asBoolean()).isTrue();
        for (JsonNode run : new JsonNode[] {json.get("bAlone").get("qwen"), json.get("both").get("llama"),
                json.get("both").get("qwen")}) {
            assertThat(run.get("errors").asLong()).as(run.toString()).isZero();
            assertThat(run.get("requests").asLong()).as(run.toString()).isPositive();
            assertThat(run.get("replicaRequests").asLong()).as(run.toString()).isEqualTo(run.get("requests").asLong());
        }
        assertThat(json.get("bAlone").get("llama").get("offered").asInt()).isZero();
        assertThat(Files.readString(out.resolve("report.md"))).contains("| A flooded beside B | `qwen` |");
    }

    @Test
    void theReceivedCounterIsSummedPerPoolOverModelsAndRoutes() {
        Map<String, Double> byPool = GatewayCounters.parse("""
                # TYPE qgate_requests_received_total counter
                qgate_requests_received_total{model="a",pool="llama",route="chat"} 3.0
                qgate_requests_received_total{model="other",pool="llama",route="completions"} 2.0
                qgate_requests_received_total{model="b",pool="qwen",route="chat"} 7.0
                qgate_requests_total{code="200",model="b",pool="qwen",route="chat"} 7.0
                """);
        assertThat(byPool).containsExactlyInAnyOrderEntriesOf(Map.of("llama", 5.0, "qwen", 7.0));
    }
}
