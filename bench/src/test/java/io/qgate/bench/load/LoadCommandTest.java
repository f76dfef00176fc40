package io.qgate.bench.load;

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

class LoadCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void writesTheSummaryAndTheDocumentedJson(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.json");
        try (StubServer server = StubServer.builder().start()) {
            int status = run("--url", server.url(), "--concurrency", "2", "--requests", "20", "--workload", "tiny",
                    "--stream", "--out", results.toString());

            assertThat(status).isZero();
        }
        assertThat(text(out)).contains("requests    20 (ok 20, errors 0)", "throughput", "TTFT", "E2E", "p99");
        JsonNode json = JsonMapper.shared().readTree(Files.readString(results));
        JsonNode config = json.path("config");
        for (String field : new String[] {"url", "api", "mode", "rate", "concurrency", "durationSeconds",
            "requests", "stream", "workload", "tenants", "seed"}) {
            assertThat(config.has(field)).as(field).isTrue();
        }
        assertThat(config.path("mode").stringValue()).isEqualTo("closed");
        assertThat(config.path("concurrency").asInt()).isEqualTo(2);
        assertThat(config.path("rate").isNull()).isTrue();
        assertThat(config.path("workload").stringValue()).isEqualTo("tiny");
        assertThat(json.path("startedAt").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode summary = json.path("summary");
        assertThat(summary.path("requests").asLong()).isEqualTo(20);
        assertThat(summary.path("ok").asLong()).isEqualTo(20);
        assertThat(summary.path("errors").isObject()).isTrue();
        for (String field : new String[] {"durationSeconds", "throughputRps", "outputTokensPerSecond"}) {
            assertThat(summary.path(field).isNumber()).as(field).isTrue();
        }
        for (String latency : new String[] {"ttftMs", "e2eMs"}) {
            for (String field : new String[] {"p50", "p90", "p99", "mean", "max"}) {
                assertThat(summary.path(latency).path(field).isNumber()).as(latency + "." + field).isTrue();
            }
        }
    }

    @Test
    void printsAProgressLineEverySecondOnStderr() {
        try (StubServer server = StubServer.builder().delayMillis(5).start()) {
            assertThat(run("--url", server.url(), "--concurrency", "1", "--duration", "1300ms",
                    "--workload", "tiny")).isZero();
        }
        assertThat(text(err)).containsPattern("\\[ +1\\.\\ds\\] sent \\d+  done \\d+  in flight \\d  errors 0  "
                + "[\\d.]+ req/s  e2e p50 [\\d.]+ ms  p99 [\\d.]+ ms");
        assertThat(text(out)).doesNotContain("in flight");
    }

    @Test
    void aBadOptionIsAUsageErrorWithAMessage() {
        assertThat(run("--rate", "0")).isEqualTo(LoadCommand.USAGE);
        assertThat(text(err)).contains("load: --rate: 0 (expected: > 0)");
    }

    @Test
    void helpGoesToStdout() {
        assertThat(run("--help")).isZero();
        assertThat(text(out)).startsWith("Usage: load");
    }

    private int run(String... args) {
        return LoadCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
