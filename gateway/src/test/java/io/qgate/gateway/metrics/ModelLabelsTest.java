package io.qgate.gateway.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelLabelsTest {

    @Test
    void configuredModelsAreLabelsAtOnceOthersOnlyOnceAnswered() {
        ModelLabels labels = new ModelLabels(10, List.of("llama", " "));

        assertThat(labels.label("llama")).isEqualTo("llama");
        assertThat(labels.label("mistral")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.label(null)).isEqualTo(ModelLabels.NONE);
        assertThat(labels.label("")).isEqualTo(ModelLabels.NONE);

        assertThat(labels.served("mistral")).isTrue();
        assertThat(labels.label("mistral")).isEqualTo("mistral");
    }

    @Test
    void randomNamesNeverBecomeLabelsAndLearningIsBounded() {
        ModelLabels labels = new ModelLabels(2, List.of("configured"));
        for (int i = 0; i < 1000; i++) {
            assertThat(labels.label("random-" + i)).isEqualTo(ModelLabels.OTHER);
        }
        assertThat(labels.served("a")).isTrue();
        assertThat(labels.served("b")).isFalse(); // "configured" and "a" fill the two places
        assertThat(labels.label("b")).isEqualTo(ModelLabels.OTHER);
        assertThat(labels.label("configured")).isEqualTo("configured");
        assertThat(labels.served("x".repeat(201))).isFalse();
    }
}
