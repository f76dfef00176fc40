package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineProfileTest {

    @Test
    void profilesAreFoundByEngineName() {
        assertThat(EngineProfile.of("vllm")).isSameAs(EngineProfile.VLLM);
        assertThat(EngineProfile.of(" SGLang ")).isSameAs(EngineProfile.SGLANG);
        assertThat(EngineProfile.VLLM.kvCacheUsageMetrics())
                .containsExactly("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc");
    }

    @Test
    void unknownEngineIsRejectedWithTheChoices() {
        assertThatThrownBy(() -> EngineProfile.of("tgi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("engine: tgi (expected: vllm or sglang)");
    }

    @Test
    void metricNamesAreValidated() {
        assertThatThrownBy(() -> new EngineProfile("x", "a b", "r", List.of("k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("waitingMetric: a b (expected: a Prometheus metric name");
        assertThatThrownBy(() -> new EngineProfile("x", "w", "r", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kvCacheUsageMetrics: []");
        assertThatThrownBy(() -> new EngineProfile("x", "w", "r", List.of("1k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kvCacheUsageMetrics: 1k");
        assertThatThrownBy(() -> new EngineProfile("x", "w", "w", List.of("k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(expected: all different)");
        assertThatThrownBy(() -> new EngineProfile("x", "w", "r", List.of("k"), "w"))
                .hasMessageContaining("(expected: all different)");
        assertThatThrownBy(() -> new EngineProfile("x", "w", "r", List.of("k"), "lora info"))
                .hasMessageStartingWith("loraInfoMetric: lora info");
    }

    @Test
    void onlyVllmReportsLoraAdapters() {
        assertThat(EngineProfile.VLLM.loraInfoMetric()).isEqualTo("vllm:lora_requests_info");
        assertThat(EngineProfile.SGLANG.loraInfoMetric()).isEmpty();
        assertThat(new EngineProfile("x", "w", "r", List.of("k")).loraInfoMetric()).isEmpty();
    }
}
