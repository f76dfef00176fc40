package io.qgate.gateway.config;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.batch.BatchPolicy;
import io.qgate.routing.config.Units;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoFile() {
        GatewayConfig config = ConfigLoader.load(new String[0], Map.of());

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().adminPort()).isEqualTo(9090);
        assertThat(config.server().maxBodySize()).isEqualTo(16 << 20);
        assertThat(config.routing().strategy()).isEqualTo("work");
        assertThat(config.discovery().endpoints()).isEmpty();
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLayerBefore() throws Exception {
        Path file = dir.resolve("qgate.yaml");
        Files.writeString(file, """
                server:
                  port: 7000
                  max-body-size: 1MiB
                admin:
                  port: 7001
                endpoints:
                  - http://10.0.0.1:4000
                  - http://10.0.0.2:4000
                upstream:
                  connect-timeout: 750ms
                """);

        GatewayConfig config = ConfigLoader.load(
                new String[] {"--config", file.toString(), "--admin-port=7101"},
                Map.of("QGATE_PORT", "7100", "QGATE_ADMIN_PORT", "7200", "QGATE_UPSTREAM_CONNECT_TIMEOUT", "2s"));

        assertThat(config.server().port()).isEqualTo(7100);
        assertThat(config.server().adminPort()).isEqualTo(7101);
        assertThat(config.server().maxBodySize()).isEqualTo(1 << 20);
        assertThat(config.discovery().endpoints()).isEqualTo("http://10.0.0.1:4000,http://10.0.0.2:4000");
        assertThat(config.upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theEngineQueueIsAutoByDefaultAndTakesAWholeNumber() {
        assertThat(GatewayConfig.of(Map.of()).admission().saturation().engineQueue())
                .isEqualTo(GatewayConfig.Saturation.AUTO);
        assertThat(GatewayConfig.of(Map.of("admission.engine-queue", "3")).admission().saturation().engineQueue())
                .isEqualTo(3);
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("admission.engine-queue", "some")))
                .hasMessageContaining("admission.engine-queue: some (expected: auto, or a whole number");
    }

    @Test
    void batchingIsOnForEmbeddingsAndCompletionsAndCanBeSwitchedOff() {
        GatewayConfig defaults = ConfigLoader.load(new String[0], Map.of());
        assertThat(defaults.batching().routes()).containsExactlyInAnyOrder(ApiRoute.EMBEDDINGS, ApiRoute.COMPLETIONS);
        assertThat(defaults.batching().policy()).isEqualTo(BatchPolicy.defaults());

        GatewayConfig off = ConfigLoader.load(new String[] {"--batching.routes="}, Map.of());
        assertThat(off.batching().routes()).isEmpty();

        GatewayConfig tuned = ConfigLoader.load(new String[] {"--batching.max-wait=5ms"},
                Map.of("QGATE_BATCHING_ROUTES", "embeddings", "QGATE_BATCHING_MAX_ITEMS", "8"));
        assertThat(tuned.batching().enabled(ApiRoute.EMBEDDINGS)).isTrue();
        assertThat(tuned.batching().enabled(ApiRoute.COMPLETIONS)).isFalse();
        assertThat(tuned.batching().policy().maxItems()).isEqualTo(8);
        assertThat(tuned.batching().policy().maxWait()).isEqualTo(Duration.ofMillis(5));

        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--batching.routes=chat"}, Map.of()))
                .hasMessageContaining("batching.routes: chat");
    }

    @Test
    void theRoutingGroupHandsTheRouterItsSettingsWithTheScrapeAndEjectionValues() {
        assertThat(GatewayConfig.of(Map.of()).routing().settings()).isEqualTo(RoutingSettings.defaults());

        GatewayConfig config = GatewayConfig.of(Map.of("scrape.stale-after", "3s", "ejection.consecutive-failures", "2",
                "ejection.base-time", "1s", "ejection.max-time", "10s", "routing.prefix-affinity", "false",
                "routing.strategy", "round-robin"));

        assertThat(config.routing().strategy()).isEqualTo("round-robin");
        assertThat(config.scrape().staleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.ejection()).isEqualTo(new GatewayConfig.Ejection(2, Duration.ofSeconds(1),
                Duration.ofSeconds(10)));
        assertThat(config.routing().settings()).isEqualTo(new RoutingSettings(Duration.ofSeconds(3), true, false, 2,
                100_000, 2, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("ejection.base-time", "1m", "ejection.max-time", "10s")))
                .hasMessage("ejection.max-time: 10s (expected: >= ejection.base-time)");
    }

    @Test
    void scorerWeightsComeFromTheConfigurationWithTodaysDefaults() throws Exception {
        assertThat(ConfigLoader.load(new String[0], Map.of()).routing().settings().weights())
                .isEqualTo(new RoutingSettings.Weights(1.0, 0.1, 1.2, 2.0));

        Path file = dir.resolve("weights.yaml");
        Files.writeString(file, "routing:\n  weights:\n    queue: 2\n    kv-cache: 0.5\n");
        GatewayConfig config = ConfigLoader.load(new String[] {"--config", file.toString(),
                "--routing.weights.prefix", "0", "--routing.weights.lora", "3"},
                Map.of("QGATE_ROUTING_WEIGHTS_KV_CACHE", "0.25"));
        assertThat(config.routing().settings().weights()).isEqualTo(new RoutingSettings.Weights(2, 0.25, 0, 3));

        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--routing.weights.queue", "-1"}, Map.of()))
                .hasMessage("routing.weights.queue: -1 (expected: a number from 0 to 1000)");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--routing.weights.prefix", "much"}, Map.of()))
                .hasMessage("routing.weights.prefix: much (expected: a number from 0 to 1000)");
    }

    @Test
    void theFullKeyVariableWinsOverTheFlagNamedOne() {
        GatewayConfig config = ConfigLoader.load(new String[0],
                Map.of("QGATE_PORT", "1", "QGATE_SERVER_PORT", "2", "QGATE_ENDPOINTS", "http://a:1"));

        assertThat(config.server().port()).isEqualTo(2);
        assertThat(config.discovery().endpoints()).isEqualTo("http://a:1");
    }

    @Test
    void configFileFromTheEnvironment() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "routing:\n  strategy: round-robin\nshutdown:\n  delay: 0s\n");

        GatewayConfig config = ConfigLoader.load(new String[0], Map.of("QGATE_CONFIG", file.toString()));

        assertThat(config.shutdown().delay()).isZero();
    }

    @Test
    void mistakesAreReportedWithTheKeyAndWhatWasExpected() throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "server:\n  prot: 1\n");

        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", typo.toString()}, Map.of()))
                .hasMessageContaining("unknown key server.prot");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--port", "http"}, Map.of()))
                .hasMessage("server.port: http (expected: a whole number)");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--strategy", "fastest"}, Map.of()))
                .hasMessageContaining("routing.strategy: fastest (expected: one of");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--nope", "1"}, Map.of()))
                .hasMessageContaining("unknown option: --nope");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--upstream.connect-timeout", "soon"}, Map.of()))
                .hasMessageContaining("upstream.connect-timeout: soon (expected: a duration");
    }

    @Test
    void helpListsEveryOptionWithItsVariableAndDefault() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--help"}, Map.of()))
                .isInstanceOf(ConfigLoader.HelpRequested.class)
                .satisfies(e -> {
                    for (Option option : Option.values()) {
                        assertThat(e.getMessage()).contains(option.key()).contains(option.environmentVariable());
                    }
                    assertThat(e.getMessage()).contains("--endpoints").contains("QGATE_ENDPOINTS");
                });
    }

    @Test
    void helpNamesEachVariableOnceAndKeepsDescriptionsInOneColumn() {
        String help = ConfigLoader.usage();

        assertThat(help).contains("env QGATE_ADMIN_PORT,").doesNotContain("QGATE_ADMIN_PORT or QGATE_ADMIN_PORT")
                .contains("env QGATE_SERVER_PORT or QGATE_PORT,");
        for (String line : help.substring(help.indexOf("  --config")).split("\n")) {
            boolean flagAlone = line.startsWith("  --") && !line.strip().contains(" ");
            assertThat(flagAlone || line.length() > 26 && line.charAt(25) == ' ' && line.charAt(26) != ' ')
                    .as("text in column 26, or a long flag on a line of its own: '%s'", line).isTrue();
        }
    }

    @Test
    void unitsParse() {
        assertThat(Units.duration("k", "100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(Units.duration("k", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.duration("k", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Units.size("k", "16MiB")).isEqualTo(16L << 20);
        assertThat(Units.size("k", "2kB")).isEqualTo(2000);
        assertThat(Units.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.format(Duration.ofMinutes(2))).isEqualTo("2m");
    }
}
