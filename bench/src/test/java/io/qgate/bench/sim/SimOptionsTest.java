package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimOptionsTest {

    @Test
    void defaultsModelAnEightBillionModelOnOneGpu() {
        SimOptions d = SimOptions.defaults();

        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.port()).isEqualTo(8001);
        assertThat(d.separateMetricsPort()).isFalse();
        assertThat(d.model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(d.maxNumSeqs()).isEqualTo(256);
        assertThat(d.timeScale()).isEqualTo(1.0);
        assertThat(d.embeddingDim()).isEqualTo(384);
        assertThat(d.meanOutputTokens()).isEqualTo(220);
        assertThat(d.kvCapacityTokens()).isEqualTo(200_000);
        // No proxy work by default: only a benchmark that is about it turns it on.
        assertThat(d.proxyCpuMs()).isZero();
        assertThat(d.proxyWorkers()).isEqualTo(1);
        assertThat(d.embeddingMsPerItem()).isEqualTo(0.2);
    }

    @Test
    void parsesBothFlagForms() {
        SimOptions o = SimOptions.parse("--port", "0", "--metrics-port=9100", "--model", "m", "--max-num-seqs=2",
                "--time-scale", "0.1", "--prefill-overhead-ms", "20", "--prefill-ms-per-token", "0.1",
                "--tpot-ms", "9", "--load-factor-at-max", "3", "--proxy-overhead-ms", "0",
                "--kv-capacity-tokens", "1000", "--prefix-cache-blocks", "0", "--mean-output-tokens", "50",
                "--max-output-tokens", "60", "--embedding-dim", "8", "--seed", "-3", "--host", "0.0.0.0",
                "--io-threads", "2", "--proxy-cpu-ms", "5", "--proxy-workers=3", "--embedding-ms-per-item", "0.5",
                "--lora-modules", "a, b=/models/b", "--max-loras", "2", "--lora-load-ms", "30", "--gpu-metrics",
                "--scheduling-policy", "priority");

        assertThat(o).isEqualTo(new SimOptions("0.0.0.0", 0, 9100, "m", 2, 0.1, 20, 0.1, 9, 3, 0, 5, 3, 1000, 0,
                50, 60, 8, 0.5, -3, 2, List.of("a", "b"), 2, 30, true, SchedulingPolicy.PRIORITY));
        assertThat(SimOptions.defaults().gpuMetrics()).isFalse();
        assertThat(o.lora()).isTrue();
        assertThat(SimOptions.defaults().lora()).isFalse();
        assertThat(o.separateMetricsPort()).isTrue();
    }

    @Test
    void aCopyChangesOnlyTheFieldsItSets() {
        SimOptions o = SimOptions.defaults().with(d -> {
            d.port = 0;
            d.timeScale = 0;
            d.maxNumSeqs = 4;
            d.seed = 9;
        });

        assertThat(o.port()).isZero();
        assertThat(o.timeScale()).isZero();
        assertThat(o.maxNumSeqs()).isEqualTo(4);
        assertThat(o.seed()).isEqualTo(9);
        assertThat(o.with(d -> {
            d.port = 8001;
            d.timeScale = 1;
            d.maxNumSeqs = 256;
            d.seed = 0;
        })).isEqualTo(SimOptions.defaults());
    }

    @Test
    void rejectsInvalidValuesSayingWhatWasExpected() {
        assertThatThrownBy(() -> SimOptions.parse("--max-num-seqs", "0"))
                .hasMessageContaining("--max-num-seqs").hasMessageContaining("(expected: > 0)");
        assertThatThrownBy(() -> SimOptions.parse("--time-scale", "-1")).hasMessageContaining("(expected: >= 0)");
        assertThatThrownBy(() -> SimOptions.parse("--port", "70000")).hasMessageContaining("(expected: 0-65535)");
        assertThatThrownBy(() -> SimOptions.parse("--tpot-ms", "fast")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> SimOptions.parse("--load-factor-at-max", "0.5")).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> SimOptions.parse("--max-output-tokens", "10"))
                .hasMessageContaining("meanOutputTokens");
        assertThatThrownBy(() -> SimOptions.parse("--nope", "1")).hasMessageContaining("unknown option: --nope");
        assertThatThrownBy(() -> SimOptions.parse("--seed")).hasMessageContaining("--seed: missing value");
        assertThatThrownBy(() -> SimOptions.defaults().with(o -> o.maxNumSeqs = -1))
                .hasMessage("maxNumSeqs: -1 (expected: > 0)");
        assertThatThrownBy(() -> SimOptions.parse("--proxy-workers", "0"))
                .hasMessageContaining("--proxy-workers").hasMessageContaining("(expected: > 0)");
        assertThatThrownBy(() -> SimOptions.parse("--proxy-cpu-ms", "-5")).hasMessageContaining("(expected: >= 0)");
        assertThatThrownBy(() -> SimOptions.parse("--model", "m", "--lora-modules", "a,m"))
                .hasMessageContaining("(expected: distinct names without commas, none of them the model's)");
        assertThatThrownBy(() -> SimOptions.parse("--max-loras", "0")).hasMessageContaining("(expected: > 0)");
        assertThatThrownBy(() -> SimOptions.parse("--embedding-ms-per-item", "NaN"))
                .hasMessageContaining("(expected: >= 0)");
    }

    @Test
    void usageListsEveryFlagWithItsDefault() {
        String usage = SimOptions.usage();

        assertThat(usage).contains("--gpu-metrics", "DCGM_FI_DEV_GPU_UTIL", "(default: off)");
        assertThat(usage).contains("--port", "(default: 8001)", "--metrics-port", "--model",
                "meta-llama/Llama-3.1-8B-Instruct", "--max-num-seqs", "(default: 256)", "--time-scale",
                "--prefill-overhead-ms", "--prefill-ms-per-token", "--tpot-ms", "--load-factor-at-max",
                "--proxy-overhead-ms", "--kv-capacity-tokens", "--prefix-cache-blocks", "--mean-output-tokens",
                "--embedding-dim", "(default: 384)", "--seed", "--host", "--help", "--proxy-cpu-ms",
                "--proxy-workers", "--embedding-ms-per-item", "(default: 0.2)");
        // The two kinds of proxy cost say how they differ, and no line runs past column 100.
        assertThat(usage).contains("pure delay", "queue FIFO");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void commandAnswersHelpAndRefusesBadFlags() {
        assertThat(SimCommand.run(new String[] {"--help"})).isZero();
        assertThat(SimCommand.run(new String[] {"--max-num-seqs", "0"})).isEqualTo(2);
    }
}
