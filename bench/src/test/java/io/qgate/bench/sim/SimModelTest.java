package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qgate.fleet.EngineModel;
import org.junit.jupiter.api.Test;

/** The deterministic pieces: text, embeddings, prefix cache and the latency model. */
class SimModelTest {

    /** 50 ms prefill overhead, 0.04 ms a prompt token, 7.5 ms a decode step alone and twice that for 256. */
    private static final EngineModel ENGINE = new EngineModel(50, 0.04, 7.5, 2.0, 256, 200_000, 0);

    @Test
    void sameSeedAndKeyGiveTheSameText() {
        Generation a = new TextGenerator(1, 220, 2048).generate(42, 0);
        Generation b = new TextGenerator(1, 220, 2048).generate(42, 0);
        Generation otherSeed = new TextGenerator(2, 220, 2048).generate(42, 0);

        assertThat(b.tokens()).containsExactly(a.tokens());
        assertThat(otherSeed.text()).isNotEqualTo(a.text());
        assertThat(a.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(a.tokens()[0]).doesNotStartWith(" ");
        assertThat(a.tokens()[a.length() - 1]).startsWith(" ").endsWith(".");
    }

    @Test
    void maxTokensFixesTheLength() {
        Generation g = new TextGenerator(1, 220, 2048).generate(7, 33);

        assertThat(g.length()).isEqualTo(33);
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void drawnLengthsAreLongTailedAroundTheMeanAndCapped() {
        TextGenerator gen = new TextGenerator(3, 220, 1000);
        long sum = 0;
        int max = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            int length = gen.generate(i, 0).length();
            sum += length;
            max = Math.max(max, length);
        }
        assertThat((double) sum / n).isCloseTo(220, within(30.0));
        assertThat(max).isGreaterThan(600).isLessThanOrEqualTo(1000);
    }

    @Test
    void embeddingsDependOnTheTextOnly() {
        float[] a = Embeddings.vector("same text", 384);

        assertThat(Embeddings.vector("same text", 384)).containsExactly(a);
        assertThat(Embeddings.vector("other text", 384)).isNotEqualTo(a);
        double norm = 0;
        for (float x : a) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void tokenIdPromptsCountOneTokenPerId() {
        Prompt p = Prompt.ofTokenIds(new int[] {1, 128_000, 7});

        assertThat(p.tokens()).isEqualTo(3);
        assertThat(p.text()).hasSize(12);
        assertThat(Prompt.ofText("abcdefghi").tokens()).isEqualTo(3);
        assertThat(Prompt.ofText("").tokens()).isEqualTo(1);
    }

    @Test
    void prefixCacheHitsOnlyLeadingBlocksSeenWithTheSamePrefix() {
        PrefixCache cache = new PrefixCache(100);
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        String c = "c".repeat(64);

        assertThat(cache.lookupAndInsert(Prompt.ofText(a + b + "tail"))).isZero();
        assertThat(cache.lookupAndInsert(Prompt.ofText(a + b + c))).isEqualTo(32);
        // Block b after a different first block is a different block: hashes are chained.
        assertThat(cache.lookupAndInsert(Prompt.ofText(c + b))).isZero();
        // A partial block is never cached.
        assertThat(cache.lookupAndInsert(Prompt.ofText("short"))).isZero();
        assertThat(cache.lookupAndInsert(Prompt.ofText("short"))).isZero();
        // A prompt that is cached whole still has its last token computed, as vLLM does for its logits.
        assertThat(cache.lookupAndInsert(Prompt.ofText(a + b))).isEqualTo(16);
    }

    @Test
    void prefixCacheEvictsTheLeastRecentlyUsedBlocks() {
        PrefixCache cache = new PrefixCache(2);
        String a = "a".repeat(64);
        String b = "b".repeat(64);

        cache.lookupAndInsert(Prompt.ofText(a + "?"));
        cache.lookupAndInsert(Prompt.ofText(b + "?"));
        cache.lookupAndInsert(Prompt.ofText(a + "?"));
        cache.lookupAndInsert(Prompt.ofText("c".repeat(64) + "?"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.lookupAndInsert(Prompt.ofText(a + "?"))).isEqualTo(16);
        assertThat(cache.lookupAndInsert(Prompt.ofText(b + "?"))).isZero();
        assertThat(new PrefixCache(0).lookupAndInsert(Prompt.ofText(a + a))).isZero();
    }

    @Test
    void decodeSlowsLinearlyWithTheBatch() {
        LatencyModel m = new LatencyModel(1.0, ENGINE, 0.2);

        assertThat(m.engine().loadFactor(0)).isEqualTo(1.0);
        assertThat(m.engine().loadFactor(1)).isEqualTo(1.0);
        assertThat(m.engine().loadFactor(256)).isEqualTo(2.0);
        assertThat(m.engine().loadFactor(1000)).isEqualTo(2.0);
        assertThat(m.engine().loadFactor(129)).isCloseTo(1.5, within(0.01));
        assertThat(m.stepNanos(256)).isEqualTo(15_000_000);
        assertThat(m.prefillNanos(1000)).isEqualTo(90_000_000);
        assertThat(new LatencyModel(0.1, ENGINE, 0.2).stepNanos(1)).isEqualTo(750_000);
        assertThat(new LatencyModel(0, ENGINE, 0.2).instant()).isTrue();
    }

    @Test
    void anEmbeddingsRequestCostsALittleMorePerInput() {
        // 50 ms prefill overhead: an encoder pays a tenth, 5 ms, plus 0.04 ms per token and 0.2 ms per input.
        LatencyModel m = new LatencyModel(1.0, ENGINE, 0.2);

        assertThat(m.embeddingNanos(100, 1)).isEqualTo(9_200_000);
        assertThat(m.embeddingNanos(100, 32)).isEqualTo(15_400_000);
        assertThat(new LatencyModel(0.5, ENGINE, 0.2).embeddingNanos(100, 32)).isEqualTo(7_700_000);
        assertThat(new LatencyModel(1.0, ENGINE, 0).embeddingNanos(100, 32)).isEqualTo(9_000_000);
    }

    @Test
    void proxyWorkersServeInArrivalOrderOneRequestAtATime() {
        long t0 = -5_000; // nanoTime may be negative
        ProxyWorkers one = new ProxyWorkers(1, 1_000, t0);

        assertThat(one.book(t0)).isEqualTo(1_000);
        assertThat(one.book(t0)).isEqualTo(2_000);
        assertThat(one.book(t0 + 500)).isEqualTo(2_500);
        // Idle since t0 + 3000: a later arrival waits for nothing.
        assertThat(one.book(t0 + 10_000)).isEqualTo(1_000);
    }

    @Test
    void severalProxyWorkersShareTheQueue() {
        ProxyWorkers two = new ProxyWorkers(2, 1_000, 0);

        assertThat(two.book(0)).isEqualTo(1_000);
        assertThat(two.book(0)).isEqualTo(1_000);
        assertThat(two.book(0)).isEqualTo(2_000);
        assertThat(two.book(100)).isEqualTo(1_900);
        assertThat(two.book(100)).isEqualTo(2_900);
    }

    @Test
    void proxyWithoutWorkCostsNothing() {
        ProxyWorkers none = new ProxyWorkers(1, 0, 0);

        for (int i = 0; i < 10; i++) {
            assertThat(none.book(0)).isZero();
        }
        assertThatThrownBy(() -> new ProxyWorkers(0, 1, 0)).hasMessageContaining("workers: 0");
    }

    @Test
    void metricNumbersLookLikePythonFloats() {
        assertThat(PromText.number(37)).isEqualTo("37.0");
        assertThat(PromText.number(0.8125)).isEqualTo("0.8125");
        assertThat(PromText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
