package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EngineMetricsParserTest {

    private static final String QWEN = "Qwen/Qwen3-8B";

    private final EngineMetricsParser vllm = new EngineMetricsParser(EngineProfile.VLLM);

    @Test
    void currentVllmSumsOverEnginesAndAveragesKvCache() {
        EngineMetrics m = vllm.parse(Fixtures.bytes(Fixtures.VLLM_V1));

        // waiting_by_reason, lora_requests_info and the prefix-cache counters are not the queue.
        assertThat(m.waiting()).isEqualTo(13);
        assertThat(m.running()).isEqualTo(79);
        assertThat(m.kvCacheUsage()).isCloseTo((0.625 + 0.75) / 2, within(1e-12));
        assertThat(m.models()).containsExactly(QWEN);
        assertThat(m.waitingFound()).isTrue();
        assertThat(m.runningFound()).isTrue();
    }

    @Test
    void olderVllmFallsBackToGpuCacheUsage() {
        EngineMetrics m = vllm.parse(Fixtures.bytes(Fixtures.VLLM_V0));

        assertThat(m.waiting()).isEqualTo(7);
        assertThat(m.running()).isEqualTo(4);
        assertThat(m.kvCacheUsage()).isEqualTo(0.4375);
        assertThat(m.models()).containsExactly("mistralai/Mistral-7B-Instruct-v0.3");
    }

    @Test
    void currentKvCacheGaugeWinsOverTheOlderOne() {
        EngineMetrics m = vllm.parse("""
                vllm:gpu_cache_usage_perc 0.9
                vllm:kv_cache_usage_perc 0.25
                """);
        assertThat(m.kvCacheUsage()).isEqualTo(0.25);
    }

    @Test
    void namesAreMatchedExactly() {
        EngineMetrics m = vllm.parse("""
                vllm:num_requests_waiting_by_reason{reason="capacity"} 100
                vllm:num_requests_waiting_created 1.7643e+09
                vllm:num_requests_waiting_total 100
                vllm:num_requests_waiting_bucket{le="+Inf"} 100
                xvllm:num_requests_waiting 100
                vllm:num_requests_waitin 100
                vllm:num_requests_waiting 2
                """);
        assertThat(m.waiting()).isEqualTo(2);
        assertThat(m.runningFound()).isFalse();
        assertThat(m.kvCacheUsageFound()).isFalse();
    }

    @Test
    void byReasonAloneIsNotAWaitingQueue() {
        EngineMetrics m = vllm.parse("vllm:num_requests_waiting_by_reason{reason=\"capacity\"} 9\n");
        assertThat(m.waitingFound()).isFalse();
        assertThat(m.waiting()).isZero();
    }

    @Test
    void sglangProfileReadsItsOwnNames() {
        EngineMetricsParser sglang = new EngineMetricsParser(EngineProfile.of("sglang"));
        String exposition = new String(Fixtures.bytes(Fixtures.SGLANG), StandardCharsets.UTF_8)
                + "vllm:num_requests_waiting 99\n"; // another engine's name: not SGLang's queue
        EngineMetrics m = sglang.parse(exposition);
        assertThat(m.waiting()).isEqualTo(8);
        assertThat(m.running()).isEqualTo(30);
        assertThat(m.kvCacheUsage()).isEqualTo(0.375);
        assertThat(m.models()).containsExactly("Qwen/Qwen2.5-7B-Instruct");
    }

    @Test
    void labelsMayComeInAnyOrderWithEscapesAndSeparatorsInValues() {
        EngineMetrics m = vllm.parse("""
                vllm:num_requests_waiting{engine="0",model_name="a\\"b\\\\c\\nd"} 1
                vllm:num_requests_waiting{ model_name = "x,y}z=w v" , engine="1" , } 2
                vllm:num_requests_waiting{note="a \\"}\\" b",model_name="plain"} 4
                vllm:num_requests_waiting{} 8
                vllm:num_requests_waiting{model_name="ünïcode/模型"} 16
                """);
        assertThat(m.waiting()).isEqualTo(31);
        assertThat(m.models()).containsExactlyInAnyOrder("a\"b\\c\nd", "x,y}z=w v", "plain", "ünïcode/模型");
    }

    @Test
    void unlabelledSeriesHaveNoModel() {
        EngineMetrics m = vllm.parse("vllm:num_requests_running 3\n");
        assertThat(m.running()).isEqualTo(3);
        assertThat(m.models()).isEmpty();
    }

    @Test
    void specialValuesExponentsAndTimestamps() {
        EngineMetrics m = vllm.parse("""
                vllm:num_requests_waiting 1.5e+01 1712345678901
                vllm:num_requests_waiting 2E0 -5
                vllm:num_requests_waiting +Inf
                vllm:num_requests_waiting NaN
                vllm:num_requests_waiting -Inf
                vllm:num_requests_waiting -3
                vllm:num_requests_waiting 1e400
                vllm:num_requests_running 1.234567e+06
                vllm:num_requests_running .5 1712345678.5
                vllm:num_requests_running 2.147483648e+09
                vllm:kv_cache_usage_perc 1e-1
                vllm:kv_cache_usage_perc 5e-2
                """);
        assertThat(m.waiting()).isEqualTo(17);
        assertThat(m.running()).isEqualTo(1_234_567 + 0.5 + 2_147_483_648.0);
        assertThat(m.kvCacheUsage()).isCloseTo(0.075, within(1e-15));
    }

    @Test
    void kvCacheUsageIsCappedAtFullAndSkipsImpossibleValues() {
        EngineMetrics m = vllm.parse("""
                vllm:kv_cache_usage_perc{engine="0"} 1.5
                vllm:kv_cache_usage_perc{engine="1"} 0.5
                vllm:kv_cache_usage_perc{engine="2"} -0.5
                vllm:kv_cache_usage_perc{engine="3"} NaN
                vllm:kv_cache_usage_perc{engine="4"} +Inf
                """);
        assertThat(m.kvCacheUsage()).isEqualTo(0.75);
    }

    @Test
    void onlyUnusableSamplesMeanNotFound() {
        EngineMetrics m = vllm.parse("""
                vllm:num_requests_waiting{model_name="m"} NaN
                vllm:num_requests_running -1
                vllm:kv_cache_usage_perc NaN
                """);
        assertThat(m.waitingFound()).isFalse();
        assertThat(m.runningFound()).isFalse();
        assertThat(m.kvCacheUsageFound()).isFalse();
        // The line is well formed: the replica still serves that model.
        assertThat(m.models()).containsExactly("m");
    }

    @Test
    void crlfLineEndsBlankLinesAndNoFinalNewline() {
        EngineMetrics m = vllm.parse("# TYPE vllm:num_requests_waiting gauge\r\n\r\n"
                + "vllm:num_requests_waiting{model_name=\"m\"} 3\r\n"
                + "\n   \t\n"
                + "  vllm:num_requests_running\t4 1712345678901\r\n"
                + "vllm:kv_cache_usage_perc 0.5");
        assertThat(m.waiting()).isEqualTo(3);
        assertThat(m.running()).isEqualTo(4);
        assertThat(m.kvCacheUsage()).isEqualTo(0.5);
        assertThat(m.models()).containsExactly("m");
    }

    @Test
    void exemplarsAfterTheValueAreIgnored() {
        EngineMetrics m = vllm.parse("vllm:num_requests_waiting 3 # {trace_id=\"abc\"} 1.0\n"
                + "vllm:num_requests_running 4 1712345678 # {trace_id=\"abc\"} 1.0\n");
        assertThat(m.waiting()).isEqualTo(3);
        assertThat(m.running()).isEqualTo(4);
    }

    @Test
    void emptyInputReadsAsEmpty() {
        assertThat(vllm.parse("")).isEqualTo(EngineMetrics.EMPTY);
        assertThat(vllm.parse(new byte[0])).isEqualTo(EngineMetrics.EMPTY);
        assertThat(vllm.parse("# just a comment\n\n")).isEqualTo(EngineMetrics.EMPTY);
    }

    @Test
    void readsBetweenPositionAndLimitAndLeavesThemAlone() {
        byte[] fixture = Fixtures.bytes(Fixtures.VLLM_V1);
        byte[] padded = new byte[fixture.length + 64];
        byte[] junk = "vllm:num_requests_waiting 1000\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(junk, 0, padded, 0, junk.length);
        System.arraycopy(fixture, 0, padded, 32, fixture.length);
        System.arraycopy(junk, 0, padded, 32 + fixture.length, junk.length);
        ByteBuffer buffer = ByteBuffer.wrap(padded, 32, fixture.length).order(ByteOrder.LITTLE_ENDIAN);

        EngineMetrics m = vllm.parse(buffer);

        assertThat(m.waiting()).isEqualTo(13);
        assertThat(buffer.position()).isEqualTo(32);
        assertThat(buffer.limit()).isEqualTo(32 + fixture.length);
    }

    @Test
    void directBuffersAreReadToo() {
        byte[] fixture = Fixtures.bytes(Fixtures.VLLM_V1);
        ByteBuffer direct = ByteBuffer.allocateDirect(fixture.length).put(fixture).flip();
        assertThat(vllm.parse(direct)).isEqualTo(vllm.parse(fixture));
        assertThat(direct.position()).isZero();
    }

    @Test
    void modelNamesAreTheSameStringsScrapeAfterScrape() {
        byte[] fixture = Fixtures.bytes(Fixtures.VLLM_V1);
        String first = vllm.parse(fixture).models().iterator().next();
        String second = vllm.parse(fixture).models().iterator().next();
        assertThat(second).isSameAs(first);
    }

    @Test
    void overlongModelNamesAreNotRecordedButTheSampleCounts() {
        String name = "m".repeat(LabelValueCache.MAX_LENGTH + 1);
        EngineMetrics m = vllm.parse("vllm:num_requests_waiting{model_name=\"" + name + "\"} 5\n");
        assertThat(m.waiting()).isEqualTo(5);
        assertThat(m.models()).isEmpty();
    }

    @Test
    void manyModelsAreBounded() {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < 500; k++) {
            text.append("vllm:num_requests_waiting{model_name=\"m").append(k).append("\"} 1\n");
        }
        EngineMetrics m = vllm.parse(text.toString());
        assertThat(m.waiting()).isEqualTo(500);
        assertThat(m.models()).hasSize(ScrapeTally.MAX_MODELS).contains("m0");
    }

    @Test
    void hugeSumsStayFinite() {
        EngineMetrics m = vllm.parse("vllm:num_requests_waiting 1.7e308\nvllm:num_requests_waiting 1.7e308\n");
        assertThat(m.waiting()).isEqualTo(Double.MAX_VALUE);
        assertThat(m.models()).isEqualTo(Set.of());
    }
}
