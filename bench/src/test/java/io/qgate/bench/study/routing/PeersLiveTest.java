package io.qgate.bench.study.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quick live peers run end to end: both rows without a failed request, and every request of
 * both bursts accounted for on the replicas. How evenly they land is what the full run reports;
 * on a busy test machine it is not asserted.
 */
class PeersLiveTest {

    @Test
    @Timeout(90)
    void quickRunMeasuresBothRowsAndBothBursts(@TempDir Path out) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = PeersCommand.run(new String[] {"--quick", "--duration", "1s", "--capacity", "9.8", "--out",
                        out.toString()}, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode json = JsonMapper.shared().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.get("rows").valueStream().map(row -> row.get("name").asString()))
                .containsExactly("queue, 1 s", "queue, 1 s, peers");
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("errors").asLong()).as(row.toString()).isZero();
            assertThat(row.get("requests").asLong()).as(row.toString()).isPositive();
        }
        assertThat(json.get("bursts")).hasSize(2);
        for (JsonNode burst : json.get("bursts")) {
            long landed = burst.get("landed").valueStream().mapToLong(JsonNode::asLong).sum();
            assertThat(landed).as(burst.toString()).isEqualTo(3L * PeersLive.BURST_PER_GATEWAY);
            assertThat(burst.get("imbalance").asDouble()).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("| queue, 1 s, peers |", "report.md");
    }
}
