package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LoRA-aware routing in virtual time: the production router keeps adapters where they run. */
class LoraRunTest {

    @Test
    void theLoraScorerLoadsFewerAdaptersThanQueueRoutingAlone() {
        LoraWorkload lora = new LoraWorkload(12, 2, 50, 1.0);
        List<LoraRun.Result> results = LoraRun.compare(EngineModel.defaults(), Workload.sharegpt(), lora, 4, 0.8,
                2, 10, 60, 7);

        LoraRun.Result queue = results.get(0);
        LoraRun.Result withLora = results.get(1);
        assertThat(queue.label()).isEqualTo("queue");
        assertThat(withLora.offeredRps()).isEqualTo(queue.offeredRps());
        assertThat(withLora.ttft().requests()).isEqualTo(queue.ttft().requests()).isPositive();
        assertThat(withLora.adapterLoads()).isLessThan(queue.adapterLoads());
    }

    @Test
    void popularityFallsWithRank() {
        LoraWorkload lora = new LoraWorkload(4, 1, 0, 1.0);
        SplittableRandom random = new SplittableRandom(1);
        int[] picks = new int[4];
        for (int i = 0; i < 25_000; i++) {
            picks[Integer.parseInt(lora.pick(random).substring("adapter-".length()))]++;
        }
        // 1 : 1/2 : 1/3 : 1/4 of 25,000 / 2.083 = 12,000, 6,000, 4,000, 3,000.
        assertThat(picks[0]).isBetween(11_500, 12_500);
        assertThat(picks[1]).isBetween(5_600, 6_400);
        assertThat(picks[3]).isBetween(2_700, 3_300);
    }
}
