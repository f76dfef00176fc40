package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vllm:lora_requests_info}: the latest sample of each engine, the union of their adapters. */
class EngineMetricsParserLoraTest {

    private final EngineMetricsParser vllm = new EngineMetricsParser(EngineProfile.VLLM);

    @Test
    void theFixturesAdapterIsRunningOnOneEngineAndWaitingOnTheOther() {
        EngineMetrics m = vllm.parse(Fixtures.bytes(Fixtures.VLLM_V1));

        assertThat(m.lora()).isEqualTo(new LoraAdapters(Set.of("sql-lora"), 4, 1));
        assertThat(m.lora().active("sql-lora")).isTrue();
        assertThat(m.lora().room()).isTrue();
        assertThat(m.waiting()).as("the gauge is not a queue").isEqualTo(13);
    }

    @Test
    void absentMeansNotReported() {
        assertThat(vllm.parse(Fixtures.bytes(Fixtures.VLLM_V0)).lora()).isSameAs(LoraAdapters.NONE);
        assertThat(LoraAdapters.NONE.reported()).isFalse();
        assertThat(LoraAdapters.NONE.room()).isFalse();
        EngineMetrics sglang = new EngineMetricsParser(EngineProfile.SGLANG).parse(
                "vllm:lora_requests_info{max_lora=\"4\",running_lora_adapters=\"a\",waiting_lora_adapters=\"\"} 1\n");
        assertThat(sglang.lora()).as("another engine's series").isSameAs(LoraAdapters.NONE);
    }

    @Test
    void theLatestSampleOfEachEngineWinsAndTheAdaptersAreUnited() {
        // The Python client keeps every label set the gauge was ever given: the old ones linger
        // with older timestamps, in any order.
        EngineMetrics m = vllm.parse("""
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="old",waiting_lora_adapters=""} 100.0
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="a,b",waiting_lora_adapters="c"} 300.0
                vllm:lora_requests_info{engine="1",max_lora="2",running_lora_adapters="d",waiting_lora_adapters="a"} 250.0
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="older",waiting_lora_adapters=""} 200.0
                vllm:lora_requests_info{engine="1",max_lora="2",running_lora_adapters="",waiting_lora_adapters=""} 1.5e1
                """);

        assertThat(m.lora().adapters()).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(m.lora().maxLora()).isEqualTo(2);
        assertThat(m.lora().mostActive()).as("engine 0 has a, b and c").isEqualTo(3);
        assertThat(m.lora().room()).as("engine 0 is past its two slots").isFalse();
        assertThat(m.lora().running()).containsExactlyInAnyOrder("a", "b", "d");
        assertThat(m.lora().runs("c")).isFalse();
        assertThat(m.lora().starving()).as("engine 0 holds c back: a and b fill its two slots").isTrue();
    }

    @Test
    void aWaitingAdapterBesideAFreeSlotIsNotHeldBack() {
        EngineMetrics m = vllm.parse("""
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="a",waiting_lora_adapters="b"} 1
                vllm:lora_requests_info{engine="1",max_lora="2",running_lora_adapters="a,b",waiting_lora_adapters="a"} 1
                """);
        assertThat(m.lora()).isEqualTo(new LoraAdapters(Set.of("a", "b"), Set.of("a", "b"), 2, 2, false));
        assertThat(m.lora().room()).isFalse();
    }

    @Test
    void theSmallestMaxLoraCountsAndAnAdapterRunningAndWaitingCountsOnce() {
        EngineMetrics m = vllm.parse("""
                vllm:lora_requests_info{engine="0",max_lora="4",running_lora_adapters="a",waiting_lora_adapters="a"} 1
                vllm:lora_requests_info{engine="1",max_lora="2",running_lora_adapters="b",waiting_lora_adapters=""} 1
                """);
        assertThat(m.lora()).isEqualTo(new LoraAdapters(Set.of("a", "b"), 2, 1));
        assertThat(m.lora().room()).isTrue();
    }

    @Test
    void anEngineThatRunsNoAdapterReportsItsSlots() {
        EngineMetrics m = vllm.parse("""
                # TYPE vllm:lora_requests_info gauge
                vllm:lora_requests_info{max_lora="8",running_lora_adapters="",waiting_lora_adapters=""} 1.7650132e+09
                """);
        assertThat(m.lora()).isEqualTo(new LoraAdapters(Set.of(), 8, 0));
        assertThat(m.lora().reported()).isTrue();
        assertThat(m.lora().room()).isTrue();
    }

    @Test
    void malformedSamplesAreSkipped() {
        EngineMetrics m = vllm.parse("""
                vllm:lora_requests_info{engine="0",max_lora="many",running_lora_adapters="x",waiting_lora_adapters=""} 9
                vllm:lora_requests_info{engine="0",running_lora_adapters="y",waiting_lora_adapters=""} 9
                vllm:lora_requests_info{engine="0",max_lora="99999999",running_lora_adapters="z",waiting_lora_adapters=""} 9
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="w" 9
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="a,,b,",waiting_lora_adapters=""} 1
                vllm:lora_requests_info{engine="0",max_lora="2",running_lora_adapters="late",waiting_lora_adapters=""} NaN
                vllm:lora_requests_infos{engine="0",max_lora="2",running_lora_adapters="v",waiting_lora_adapters=""} 99
                """);
        assertThat(m.lora()).isEqualTo(new LoraAdapters(Set.of("a", "b"), 2, 2));
    }

    @Test
    void escapedNamesAreDecoded() {
        EngineMetrics m = vllm.parse(
                "vllm:lora_requests_info{max_lora=\"2\",running_lora_adapters=\"say \\\"hi\\\"\",waiting_lora_adapters=\"\"} 1\n");
        assertThat(m.lora().adapters()).containsExactly("say \"hi\"");
    }

    @Test
    void hostileInputIsBounded() {
        StringBuilder text = new StringBuilder();
        for (int engine = 0; engine < 40; engine++) {
            StringBuilder adapters = new StringBuilder();
            for (int a = 0; a < 30; a++) {
                adapters.append(a == 0 ? "" : ",").append("e").append(engine).append('a').append(a);
            }
            text.append("vllm:lora_requests_info{engine=\"").append(engine).append("\",max_lora=\"4\",")
                    .append("running_lora_adapters=\"").append(adapters).append("\",waiting_lora_adapters=\"\"} 1\n");
        }
        EngineMetrics m = vllm.parse(text.toString());
        assertThat(m.lora().adapters()).hasSize(LoraTally.MAX_ADAPTERS);
        assertThat(m.lora().mostActive()).isEqualTo(30);
        assertThat(m.lora().adapters()).allMatch(name -> name.startsWith("e0a") || name.startsWith("e1a")
                || name.startsWith("e2a"));
    }

    @Test
    void readingTheAdaptersCostsLittleMoreThanTheScrapeWithout() {
        // Allocation-light: the LoRA lines add a tally and the decoded set, not a string per line.
        byte[] with = Fixtures.bytes(Fixtures.VLLM_V1);
        byte[] without = new String(with, java.nio.charset.StandardCharsets.UTF_8)
                .replace("vllm:lora_requests_info", "vllm:other_info").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long withBytes = allocatedPerParse(with);
        long withoutBytes = allocatedPerParse(without);
        assertThat(withBytes - withoutBytes).as("bytes a LoRA scrape adds").isLessThan(1_024);
    }

    private long allocatedPerParse(byte[] exposition) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(exposition);
        for (int i = 0; i < 20_000; i++) {
            vllm.parse(buffer);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int runs = 10_000;
        for (int i = 0; i < runs; i++) {
            vllm.parse(buffer);
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / runs;
    }
}
