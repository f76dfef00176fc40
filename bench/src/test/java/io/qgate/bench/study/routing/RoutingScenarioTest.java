package io.qgate.bench.study.routing;

import io.qgate.bench.harness.EngineCounters;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quick scenario end to end: every row is measured without a failed request and both files
 * are written. Which strategy wins is not asserted; that is what the full run is for.
 */
class RoutingScenarioTest {

    @Test
    @Timeout(60)
    void quickRunReportsEveryRowWithoutErrors(@TempDir Path out) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = RoutingCommand.run(new String[] {"--quick", "--duration", "1s", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String progress = stderr.toString(StandardCharsets.UTF_8);
        assertThat(status).as(progress).isZero();
        assertThat(progress).contains("phase 1/4", "capacity:", "phase 4/4", "done in");

        JsonNode json = JsonMapper.shared().readTree(Files.readString(out.resolve(ScenarioReport.JSON_FILE)));
        String[] expected = Stream.concat(Configurations.loadAware().stream(),
                Configurations.sharedPrefixes().stream()).map(Configuration::name).toArray(String[]::new);
        assertThat(json.get("rows").valueStream().map(row -> row.get("name").asString()))
                .containsExactly(expected);
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("errors").asLong()).as(row.toString()).isZero();
            assertThat(row.get("ok").asLong()).as(row.toString()).isPositive();
            assertThat(row.get("ttftMs").get("p99").asDouble()).as(row.toString()).isPositive();
        }
        assertThat(json.get("capacity").get("rps").asDouble()).isPositive();
        assertThat(json.get("ratios")).hasSize(7);

        String markdown = Files.readString(out.resolve(ScenarioReport.MARKDOWN_FILE));
        for (String name : expected) {
            assertThat(markdown).contains("| " + name + " |");
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("| configuration |", "results.json");
    }

    @Test
    void scrapeSettingsFollowTheTimeScale() {
        Configuration slow = new Configuration("q", "queue", true, false, Duration.ofSeconds(1), false);
        assertThat(slow.gatewaySettings("http://127.0.0.1:1", 0.25))
                .containsEntry("scrape.interval", "250.0ms")
                .containsEntry("scrape.timeout", "200.0ms")
                .containsEntry("scrape.stale-after", "750.0ms")
                .containsEntry("routing.strategy", "queue")
                .containsEntry("routing.prefix-affinity", "false");
    }

    @Test
    void quickFlagSetsTheBaseAndOtherFlagsOverrideIt() {
        ScenarioOptions options = RoutingCommand.parse(
                new String[] {"--load", "0.5", "--quick", "--seed", "7", "--capacity", "9.8"});
        assertThat(options.quick()).isTrue();
        assertThat(options.fixedCapacity()).isEqualTo(9.8);
        assertThat(options.load()).isEqualTo(0.5);
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.tenantsPerGateway() * options.gateways()).isGreaterThanOrEqualTo(options.tenants());
    }

    @Test
    void thePoliciesRowsRunTheNamedStrategiesOnANamedWorkload() {
        ScenarioOptions options = RoutingCommand.parse(new String[] {"--rows", "policies", "--policies", "queue,work",
                "--workload", "prefix-heavy", "--prefix-cache-blocks", "12288"});

        assertThat(options.workload().name()).isEqualTo("prefix-heavy");
        assertThat(options.prefixCacheBlocks()).isEqualTo(12_288);
        assertThat(Configurations.policies(options.policies())).extracting(Configuration::strategy)
                .containsExactly("queue", "work");
        assertThat(Configurations.policies(options.policies())).allSatisfy(row -> {
            assertThat(row.affinity()).isTrue();
            assertThat(row.correction()).isTrue();
            assertThat(row.sharedPrefixes()).isFalse();
        });
        assertThat(RoutingCommand.parse(new String[0]).policies())
                .containsExactly("queue", "llmd-default", "work", "predicted");
    }

    @Test
    void engineCountersSkipAbortedRequests() {
        String exposition = """
                # TYPE vllm:request_success_total counter
                vllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 12.0
                vllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 30.0
                vllm:request_success_total{engine="0",finished_reason="abort",model_name="m"} 5.0
                vllm:num_requests_running{engine="0",model_name="m"} 3.0
                """;
        assertThat(EngineCounters.finished(exposition)).isEqualTo(42);
    }
}
