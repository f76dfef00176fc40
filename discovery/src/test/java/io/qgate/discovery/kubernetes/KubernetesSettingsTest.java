package io.qgate.discovery.kubernetes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesSettingsTest {

    @Test
    void parsesTheApiAndSaysWhatWasExpected() {
        assertThat(KubernetesSettings.Api.parse("k", " EndpointSlices ")).isEqualTo(KubernetesSettings.Api.ENDPOINTSLICES);
        assertThatThrownBy(() -> KubernetesSettings.Api.parse("discovery.kubernetes.api", "slices"))
                .hasMessage("discovery.kubernetes.api: slices (expected: auto, endpointslices or endpoints)");
    }

    @Test
    void rejectsAnEmptyServiceAndAMetricsPortOutOfRange() {
        assertThatThrownBy(() -> KubernetesSettings.of(" ")).hasMessageContaining("expected: the name of a Service");
        assertThatThrownBy(() -> KubernetesSettings.of("s").withMetricsPort("70000"))
                .hasMessageContaining("expected: a port name or 1-65535");
        assertThat(KubernetesSettings.of("s").withMetricsPort("metrics").metricsPort()).isEqualTo("metrics");
    }
}
