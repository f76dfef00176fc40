package io.qgate.routing.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counters of an engine's work and time, read from its exposition beside its load. */
class EngineCountersParseTest {

    private final EngineMetricsParser vllm = new EngineMetricsParser(EngineProfile.VLLM);

    @Test
    void currentVllmSumsTheCountersOverEnginesAndFallsBackToTimeToFirstToken() {
        EngineCounters c = vllm.parse(Fixtures.bytes(Fixtures.VLLM_V1)).counters();

        assertThat(c.promptTokens()).isEqualTo(2.48312e6 + 2.39107e6);
        assertThat(c.cachedPromptTokens()).isEqualTo(1.117404e6 + 956428.0);
        // The fixture has no request_prefill_time_seconds: time to first token stands in; its
        // _bucket and _created series are other series.
        assertThat(c.prefillSeconds()).isEqualTo(402.66);
        assertThat(c.prefills()).isEqualTo(2341);
        assertThat(c.interTokenSeconds()).isEqualTo(13188.6);
        assertThat(c.interTokens()).isEqualTo(609179);
    }

    @Test
    void thePrefillHistogramWinsOverTimeToFirstTokenAndTheOlderInterTokenNameIsRead() {
        String exposition = """
                vllm:time_to_first_token_seconds_sum{engine="0"} 9.0
                vllm:time_to_first_token_seconds_count{engine="0"} 10
                vllm:request_prefill_time_seconds_sum{engine="0"} 2.5
                vllm:request_prefill_time_seconds_count{engine="0"} 10
                vllm:request_prefill_time_seconds_sum{engine="1"} 1.5
                vllm:request_prefill_time_seconds_count{engine="1"} 6
                vllm:time_per_output_token_seconds_sum 4.0
                vllm:time_per_output_token_seconds_count 400
                """;

        EngineCounters c = vllm.parse(exposition).counters();

        assertThat(c.prefillSeconds()).isEqualTo(4.0);
        assertThat(c.prefills()).isEqualTo(16);
        assertThat(c.interTokenSeconds()).isEqualTo(4.0);
        assertThat(c.interTokens()).isEqualTo(400);
        assertThat(c.promptTokens()).isNaN();
    }

    @Test
    void aHistogramWithoutItsCountIsNotRead() {
        EngineCounters c = vllm.parse("vllm:request_prefill_time_seconds_sum 2.5\n"
                + "vllm:time_to_first_token_seconds_sum 9.0\nvllm:time_to_first_token_seconds_count 10\n").counters();

        assertThat(c.prefillSeconds()).isEqualTo(9.0);
        assertThat(c.prefills()).isEqualTo(10);
    }

    @Test
    void anEngineWithoutCounterNamesReadsNone() {
        EngineMetricsParser sglang = new EngineMetricsParser(EngineProfile.SGLANG);

        assertThat(sglang.parse(Fixtures.bytes(Fixtures.SGLANG)).counters()).isEqualTo(EngineCounters.NONE);
    }
}
