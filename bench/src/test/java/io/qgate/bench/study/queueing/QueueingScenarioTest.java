package io.qgate.bench.study.queueing;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick queueing scenario end to end: with the queue held at the gateway and without it,
 * every request sent is answered and every run reports. The ratios are the full run's business.
 */
class QueueingScenarioTest {

    @Test
    @Timeout(120)
    void quickRunAnswersEveryRequestHeldOrNot(@TempDir Path out) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = QueueingCommand.run(new String[] {"--quick", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertThat(status).as(progress).isZero();

        JsonNode json = JsonMapper.shared().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("requests").asLong()).isPositive();
        // b alone; two noisy-neighbour and four priority runs of two tenants; late binding at two loads,
        // on the engines' queues, held at one gateway and at three peers.
        assertThat(json.get("runs")).hasSize(1 + 2 * 2 + 4 * 2 + 2 * 3);
        for (JsonNode row : json.get("runs")) {
            assertThat(row.get("ok").asLong()).as(row.toString()).isEqualTo(row.get("requests").asLong());
        }
        assertThat(Files.readString(out.resolve("report.md"))).contains("noisy neighbour", "late binding at 95%");
    }
}
