package io.qgate.bench.load;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.config.Units;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void defaultsDescribeAThirtySecondClosedLoopOfShareGptChats() {
        LoadOptions options = LoadOptions.parse(new String[0]);

        assertThat(options.url()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(options.api()).isEqualTo(Api.CHAT);
        assertThat(options.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(options.openLoop()).isFalse();
        assertThat(options.concurrency()).isEqualTo(LoadOptions.DEFAULT_CONCURRENCY);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.requests()).isZero();
        assertThat(options.stream()).isFalse();
        assertThat(options.workload().name()).isEqualTo("sharegpt");
        assertThat(options.tenants()).isZero();
        assertThat(options.systemPromptTokens()).isEqualTo(1000);
        assertThat(options.threads()).isEqualTo(1);
        assertThat(options.maxConnections()).isEqualTo(2048);
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.warmup()).isZero();
        assertThat(options.out()).isNull();
    }

    @Test
    void parsesEveryOption() {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url", "http://localhost:4000/base", "--api=completions", "--model", "m", "--rate", "12.5",
            "--duration", "2m", "--requests", "100", "--stream", "--workload", "fixed:64:8", "--tenants", "4",
            "--system-prompt-tokens", "200", "--seed", "7", "--threads", "2", "--max-connections", "64",
            "--drain-timeout", "500ms", "--request-timeout", "1h", "--warmup", "5s", "--header", "Authorization: Bearer k",
            "--header", "X-Tenant:a", "--out", "r.json", "--quiet"});

        assertThat(options.url()).isEqualTo(URI.create("http://localhost:4000/base"));
        assertThat(options.api()).isEqualTo(Api.COMPLETIONS);
        assertThat(options.model()).isEqualTo("m");
        assertThat(options.openLoop()).isTrue();
        assertThat(options.mode()).isEqualTo("open");
        assertThat(options.rate()).isEqualTo(12.5);
        assertThat(options.concurrency()).isZero();
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.requests()).isEqualTo(100);
        assertThat(options.stream()).isTrue();
        assertThat(options.workload()).isEqualTo(Workload.fixed(64, 8));
        assertThat(options.tenants()).isEqualTo(4);
        assertThat(options.systemPromptTokens()).isEqualTo(200);
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.maxConnections()).isEqualTo(64);
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.headers()).containsExactly(
                org.assertj.core.api.Assertions.entry("Authorization", "Bearer k"),
                org.assertj.core.api.Assertions.entry("X-Tenant", "a"));
        assertThat(options.out()).isEqualTo(Path.of("r.json"));
        assertThat(options.quiet()).isTrue();
    }

    @Test
    void requestsAloneMeanNoTimeLimit() {
        LoadOptions options = LoadOptions.parse(new String[] {"--requests", "10"});

        assertThat(options.duration()).isNull();
        assertThat(options.requests()).isEqualTo(10);
    }

    @Test
    void rejectsBothRateAndConcurrency() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "5", "--concurrency", "2"}))
                .withMessageContaining("exactly one of --rate and --concurrency");
    }

    @Test
    void saysWhatWasExpected() {
        assertRejected("rate: -1 (expected: > 0)", "--rate", "-1");
        assertRejected("--concurrency: 0 (expected: > 0)", "--concurrency", "0");
        assertRejected("--duration: 30 (expected: a duration such as 500ms, 30s, 2m)", "--duration", "30");
        assertRejected("--duration: 5d", "--duration", "5d");
        assertRejected("workload: huge (expected: sharegpt, tiny or fixed:P:O)", "--workload", "huge");
        assertRejected("workload: fixed:1 ", "--workload", "fixed:1");
        assertRejected("api: grpc (expected: chat, completions or embeddings)", "--api", "grpc");
        assertRejected("url: https://x (expected: http://host[:port])", "--url", "https://x");
        assertRejected("unknown option: --bogus", "--bogus", "1");
        assertRejected("--seed: missing value", "--seed");
        assertRejected("--header: nocolon (expected: Name:value)", "--header", "nocolon");
        assertRejected("unexpected argument: stray", "stray");
        assertRejected("--requests: x (expected: an integer)", "--requests", "x");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = LoadOptions.help();

        for (String option : new String[] {"--url", "--api", "--model", "--rate", "--concurrency", "--duration",
            "--requests", "--stream", "--workload", "--tenants", "--system-prompt-tokens", "--seed", "--threads",
            "--max-connections", "--drain-timeout", "--request-timeout", "--warmup", "--header", "--out", "--quiet"}) {
            assertThat(help).contains(option);
        }
        assertThat(help).contains("default: http://127.0.0.1:8080", "default: 30s", "default: 2048",
                "default: sharegpt", "default: 1000");
    }

    @Test
    void durationsReadTheShortForms() {
        assertThat(Units.duration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.duration("d", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.duration("d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.format(Duration.ofMinutes(10))).isEqualTo("10m");
    }

    private static void assertRejected(String message, String... args) {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadOptions.parse(args)).withMessageContaining(message);
    }
}
