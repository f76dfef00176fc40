package io.qgate.fleet.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void shareGptLengthsAreLongTailedAroundTheirMeans() {
        SplittableRandom random = new SplittableRandom(1);
        int samples = 20_000;
        long prompt = 0;
        long output = 0;
        int longest = 0;
        int belowMean = 0;
        for (int i = 0; i < samples; i++) {
            Workload.Shape shape = Workload.sharegpt().next(random);
            prompt += shape.promptTokens();
            output += shape.outputTokens();
            longest = Math.max(longest, shape.promptTokens());
            belowMean += shape.promptTokens() < 230 ? 1 : 0;
            assertThat(shape.promptTokens()).isBetween(1, ShareGptWorkload.MAX_PROMPT_TOKENS);
            assertThat(shape.outputTokens()).isBetween(1, ShareGptWorkload.MAX_OUTPUT_TOKENS);
        }
        assertThat(prompt / (double) samples).isBetween(200.0, 260.0);
        assertThat(output / (double) samples).isBetween(190.0, 250.0);
        // Long-tailed: most requests are below the mean, a few are many times it.
        assertThat(belowMean).isGreaterThan(samples * 6 / 10);
        assertThat(longest).isGreaterThan(1500);
    }
}
