package io.qgate.gateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model pools in the configuration file: what each pool inherits, owns, and may not say. */
class PoolConfigTest {

    @TempDir
    Path dir;

    private GatewayConfig load(String yaml, String... flags) throws Exception {
        Path file = dir.resolve("qgate.yaml");
        Files.writeString(file, yaml);
        String[] args = new String[flags.length + 2];
        args[0] = "--config";
        args[1] = file.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        return ConfigLoader.load(args, Map.of());
    }

    @Test
    void withoutPoolsTheTopLevelReplicasAreThePoolDefaultWhichTakesEveryModel() {
        GatewayConfig config = GatewayConfig.of(Map.of("endpoints", "http://10.0.0.1:4000"));

        assertThat(config.pools().list()).extracting(PoolConfig::name).containsExactly("default");
        PoolConfig pool = config.pools().list().get(0);
        assertThat(pool.discovery().endpoints()).isEqualTo("http://10.0.0.1:4000");
        assertThat(pool.models()).isEmpty();
        assertThat(config.pools().fallback()).isSameAs(pool);
    }

    @Test
    void theIssuesExampleGivesTwoPoolsEachWithItsOwnSourceAndModels() throws Exception {
        GatewayConfig config = load("""
                pools:
                  - name: llama
                    models: [llama-8b]
                    endpoints: [http://127.0.0.1:8001, http://127.0.0.1:8002]
                  - name: qwen
                    models: [qwen-32b]
                    discovery: { kubernetes: { service: litellm-qwen } }
                """);

        assertThat(config.pools().list()).extracting(PoolConfig::name).containsExactly("llama", "qwen");
        PoolConfig llama = config.pools().list().get(0);
        PoolConfig qwen = config.pools().list().get(1);
        assertThat(llama.models()).containsExactly("llama-8b");
        assertThat(llama.discovery().endpoints()).isEqualTo("http://127.0.0.1:8001,http://127.0.0.1:8002");
        assertThat(qwen.discovery().kubernetes().service()).isEqualTo("litellm-qwen");
        assertThat(qwen.discovery().endpoints()).isEmpty();
        // Two pools and no default-pool: a model neither serves is refused, not guessed.
        assertThat(config.pools().fallback()).isNull();
    }

    @Test
    void aPoolInheritsTheTopLevelSettingsAndOverridesItsOwn() throws Exception {
        GatewayConfig config = load("""
                routing:
                  strategy: least-inflight
                admission:
                  queue-size: 50
                scrape:
                  interval: 250ms
                discovery:
                  kubernetes:
                    namespace: models
                pools:
                  - name: big
                    models: [qwen-32b]
                    discovery: { kubernetes: { service: litellm-qwen } }
                    routing: { strategy: queue }
                    admission: { queue-size: 5, max-inflight: 64 }
                    batching: { routes: embeddings }
                  - name: small
                    models: [llama-8b]
                    endpoints: http://127.0.0.1:8001
                """, "--admission.queue-timeout", "7s");

        PoolConfig big = config.pools().list().get(0);
        PoolConfig small = config.pools().list().get(1);
        assertThat(big.routing().strategy()).isEqualTo("queue");
        assertThat(small.routing().strategy()).isEqualTo("least-inflight");
        assertThat(big.admission().queueSize()).isEqualTo(5);
        assertThat(big.admission().maxInflight()).isEqualTo(64);
        assertThat(small.admission().queueSize()).isEqualTo(50);
        // A flag is a top-level value, and pools inherit it like any other.
        assertThat(big.admission().queueTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(small.scrape().interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(big.batching().routes()).hasSize(1);
        assertThat(big.discovery().kubernetes().namespace()).isEqualTo("models");
    }

    @Test
    void topLevelReplicasBesidePoolsBecomeThePoolDefault() throws Exception {
        GatewayConfig config = load("""
                endpoints: http://10.0.0.9:4000
                default-pool: default
                pools:
                  - name: llama
                    models: [llama-8b]
                    endpoints: http://10.0.0.1:4000
                """);

        assertThat(config.pools().list()).extracting(PoolConfig::name).containsExactly("llama", "default");
        // The top-level source is the default pool's, never the others': each pool names its own.
        assertThat(config.pools().list().get(0).discovery().endpoints()).isEqualTo("http://10.0.0.1:4000");
        assertThat(config.pools().fallback().name()).isEqualTo("default");
    }

    @Test
    void mistakesStopTheStartWithTheirPoolNamed() {
        assertThatThrownBy(() -> load("""
                pools:
                  - name: a
                    models: [m]
                    endpoints: http://10.0.0.1:4000
                  - name: b
                    models: [m]
                    endpoints: http://10.0.0.2:4000
                """)).hasMessageContaining("model m is served by both a and b");
        assertThatThrownBy(() -> load("""
                pools:
                  - name: a
                    models: [m]
                """)).hasMessageContaining("pools[a]: no replicas");
        assertThatThrownBy(() -> load("""
                pools:
                  - name: a
                    endpoints: http://10.0.0.1:4000
                    server: { port: 1 }
                """)).hasMessageContaining("pools[a]: not a per-pool key server.port");
        assertThatThrownBy(() -> load("""
                pools:
                  - name: a
                    endpoints: http://10.0.0.1:4000
                    routing: { strategy: fastest }
                """)).hasMessageContaining("pools[a]: routing.strategy: fastest");
        assertThatThrownBy(() -> load("""
                pools:
                  - models: [m]
                    endpoints: http://10.0.0.1:4000
                """)).hasMessageContaining("pools: name missing");
        assertThatThrownBy(() -> load("""
                pools:
                  - name: Llama 8B
                    endpoints: http://10.0.0.1:4000
                """)).hasMessageContaining("'Llama 8B'");
        assertThatThrownBy(() -> load("""
                default-pool: nowhere
                pools:
                  - name: a
                    endpoints: http://10.0.0.1:4000
                """)).hasMessageContaining("default-pool: nowhere");
        assertThatThrownBy(() -> load("""
                endpoints: http://10.0.0.9:4000
                pools:
                  - name: default
                    endpoints: http://10.0.0.1:4000
                """)).hasMessageContaining("two pools named default");
        assertThatThrownBy(() -> load("""
                pools: llama
                """)).hasMessageContaining("pools expects a list");
    }

    @Test
    void poolsCanBeGivenWithoutAFileToo() {
        GatewayConfig config = GatewayConfig.of(Map.of(), List.of(
                Map.of("name", "a", "models", "m1,m2", "endpoints", "http://10.0.0.1:4000")));

        assertThat(config.pools().list()).hasSize(1);
        assertThat(config.pools().list().get(0).models()).containsExactly("m1", "m2");
    }
}
