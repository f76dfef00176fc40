package io.qgate.bench.study.batching;

import io.qgate.bench.study.routing.RoutingCommand;
import io.qgate.bench.study.routing.ScenarioReport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quick batching scenario end to end: both phases, each with batching off and on, measured
 * without a failed request, with the gateway's batching metrics read and both files written.
 * How much batching gains is not asserted; that is what the full run is for.
 */
class BatchingScenarioTest {

    @Test
    @Timeout(90)
    void quickRunReportsBothConfigurationsOfBothPhasesWithoutErrors(@TempDir Path out) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = BatchingCommand.run(new String[] {"--quick", "--duration", "500ms", "--warmup", "100ms",
                        "--embedding-dim", "32", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertThat(status).as(progress).isZero();
        assertThat(progress).contains("phase 1/2", "phase 2/2", "batching off", "batching on", "done in");

        JsonNode json = JsonMapper.shared().readTree(Files.readString(out.resolve(ScenarioReport.JSON_FILE)));
        assertThat(json.get("scenario").asString()).isEqualTo("batching");
        assertThat(json.get("batchingAvailable").asBoolean()).isTrue();
        assertThat(json.get("rows").valueStream().map(row -> row.get("name").asString())).containsExactly(
                "closed loop, batching off", "closed loop, batching on",
                "open loop, batching off", "open loop, batching on");
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("errors").asLong()).as(row.toString()).isZero();
            assertThat(row.get("ok").asLong()).as(row.toString()).isPositive().isEqualTo(row.get("requests").asLong());
            assertThat(row.get("throughputRps").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("e2eMs").get("p50").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("e2eMs").get("p99").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("upstreamCalls").asLong()).as(row.toString()).isPositive();
            JsonNode gateway = row.get("gatewayBatchMetrics");
            assertThat(gateway.get("exported").asBoolean()).as(row.toString()).isTrue();
            if (row.get("batching").asString().equals("on")) {
                assertThat(row.get("settings").get("batching.routes").asString()).isEqualTo("embeddings");
                // Every request went through the batching path (a resend after a lost connection counts again).
                assertThat(gateway.get("clientRequests").asLong()).as(row.toString())
                        .isGreaterThanOrEqualTo(row.get("requests").asLong());
                assertThat(gateway.get("meanBatchSize").asDouble()).as(row.toString()).isGreaterThanOrEqualTo(1);
                assertThat(gateway.get("fallbacks").asLong()).as(row.toString()).isZero();
            } else {
                assertThat(row.get("settings").get("batching.routes").asString()).isEmpty();
                assertThat(gateway.get("clientRequests").asLong()).as(row.toString()).isZero();
            }
        }
        assertThat(json.get("ratios")).hasSize(6);
        for (JsonNode ratio : json.get("ratios")) {
            assertThat(ratio.get("value").isNumber()).as(ratio.toString()).isTrue();
        }

        String markdown = Files.readString(out.resolve(ScenarioReport.MARKDOWN_FILE));
        assertThat(markdown).contains("| closed loop, batching off (16 connections) |",
                "| closed loop, batching on (16 connections) |", "| open loop, batching on (600 req/s Poisson) |",
                "`batching.routes=`", "| closed loop | throughput |");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("| run |", "results.json");
    }

    @Test
    void quickFlagSetsTheBaseAndOtherFlagsOverrideIt() {
        BatchingOptions options = BatchingCommand.parse(new String[] {"--proxy-cpu-ms", "10", "--quick",
                "--concurrency=8", "--max-wait", "5ms", "--max-items", "16", "--seed", "7"});

        assertThat(options.quick()).isTrue();
        assertThat(options.concurrency()).isEqualTo(8);
        assertThat(options.closedDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.unbatchedCapacity()).isEqualTo(200);
        // The default open-loop rate follows the capacity: 1.5 times it.
        assertThat(options.rate()).isEqualTo(300);
        assertThat(options.openLoop()).isTrue();
        assertThat(options.seed()).isEqualTo(7);
        assertThat(BatchingMode.ON.settings(options)).containsEntry("batching.routes", "embeddings")
                .containsEntry("batching.max-wait", "5ms").containsEntry("batching.max-items", "16");
        assertThat(BatchingMode.OFF.settings(options)).containsExactly(java.util.Map.entry("batching.routes", ""));
        assertThat(BatchingMode.ON.gatewaySettings("http://127.0.0.1:1", options))
                .containsEntry("endpoints", "http://127.0.0.1:1").containsEntry("server.host", "127.0.0.1")
                .containsEntry("server.io-threads", "1");
    }

    @Test
    void theFullRunIsBoundedAndRateZeroLeavesTheOpenLoopOut() {
        BatchingOptions full = BatchingCommand.parse(new String[] {"--rate", "0"});

        assertThat(full.quick()).isFalse();
        assertThat(full.openLoop()).isFalse();
        assertThat(full.concurrency()).isEqualTo(64);
        assertThat(full.proxyCpuMs()).isEqualTo(5);
        assertThat(full.proxyWorkers()).isEqualTo(1);
        assertThat(full.maxRequests()).isPositive();
        assertThat(full.replica(1).proxyCpuMs()).isEqualTo(5);
        assertThat(full.replica(1).timeScale()).isEqualTo(1);
        assertThat(full.out().toString()).startsWith(Path.of("bench", "results", "batching-").toString());
    }

    @Test
    void badFlagsAreRefusedWithTheUsageStatus() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(BatchingCommand.run(new String[] {"--concurrency", "none"}, sink, sink))
                .isEqualTo(RoutingCommand.USAGE_STATUS);
        assertThat(BatchingCommand.run(new String[] {"--help"}, sink, sink)).isZero();
        assertThatThrownBy(() -> BatchingCommand.parse(new String[] {"--proxy-cpu-ms", "0"}))
                .hasMessageContaining("proxyCpuMs");
        assertThatThrownBy(() -> BatchingCommand.parse(new String[] {"--rate", "-2"})).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> BatchingCommand.parse(new String[] {"--nope", "1"}))
                .hasMessageContaining("unknown option: --nope");
        assertThatThrownBy(() -> BatchingCommand.parse(new String[] {"--seed"})).hasMessageContaining("missing value");
    }

    @Test
    void batchMetricsAreSummedOverRoutesAndTakenAsDifferences() {
        String before = """
                # HELP qgate_batch_size Client requests per upstream call
                # TYPE qgate_batch_size histogram
                qgate_batch_size_bucket{route="embeddings",le="1.0"} 2
                qgate_batch_size_count{route="completions"} 1
                qgate_batch_size_sum{route="completions"} 1
                qgate_batch_size_count{route="embeddings"} 4
                qgate_batch_size_sum{route="embeddings"} 10
                # TYPE qgate_batch_size_max gauge
                qgate_batch_size_max{route="completions"} 1
                qgate_batch_size_max{route="embeddings"} 5
                qgate_batched_requests_total{route="embeddings"} 8
                qgate_batch_upstream_calls_saved_total{route="embeddings"} 6
                qgate_batch_fallbacks_total{route="embeddings"} 0
                qgate_requests_total{code="200",model="m",route="embeddings"} 11
                """;
        String after = before.replace("} 4\n", "} 14\n").replace("} 10\n", "} 60\n").replace("} 8\n", "} 54\n")
                .replace("} 6\n", "} 42\n").replace("fallbacks_total{route=\"embeddings\"} 0", "fallbacks_total{"
                        + "route=\"embeddings\"} 1").replace("} 5\n", "} 9\n");

        BatchMetrics run = BatchMetrics.parse(after).since(BatchMetrics.parse(before));

        assertThat(run.exported()).isTrue();
        assertThat(run.upstreamCalls()).isEqualTo(10);
        assertThat(run.clientRequests()).isEqualTo(50);
        assertThat(run.meanBatchSize()).isEqualTo(5);
        assertThat(run.largest()).isEqualTo(9);
        assertThat(run.batched()).isEqualTo(46);
        assertThat(run.saved()).isEqualTo(36);
        assertThat(run.fallbacks()).isEqualTo(1);
        assertThat(BatchMetrics.parse("qgate_requests_total{route=\"chat\"} 3\n").exported()).isFalse();
        assertThat(BatchMetrics.parse("").meanBatchSize()).isNaN();
    }
}
