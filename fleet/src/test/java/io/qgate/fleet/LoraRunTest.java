package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LoRA-aware routing in virtual time, on the production router, against engines with vLLM's slot rules. */
class LoraRunTest {

    @Test
    void withSlotsEnoughForTheAdaptersTheScorerKeepsEveryQueueDrainingWhereQueueRoutingHoldsRequestsForGood() {
        // 12 adapters, the first a third of the traffic, on 4 replicas of 4 slots: 13 homes fit in
        // 16 slots, but a replica sent every adapter keeps its 4 busiest running and holds the rest.
        LoraWorkload lora = new LoraWorkload(12, 4, 50, 1.0);
        List<LoraRun.Result> results = LoraRun.compare(EngineModel.defaults(), Workload.sharegpt(), lora, 4, 1, 0.8,
                2, 60, 60, 7);

        LoraRun.Result queue = results.get(0);
        LoraRun.Result withLora = results.get(1);
        assertThat(queue.label()).isEqualTo("queue");
        assertThat(queue.collapsedAt()).as("queue routing: held back for good").isNotNaN();
        assertThat(withLora.collapsedAt()).as("with the scorer").isNaN();
        assertThat(withLora.offeredRps()).isEqualTo(queue.offeredRps());
        assertThat(withLora.ttft().answered()).isEqualTo(withLora.ttft().requests()).isPositive();
        assertThat(withLora.ttft().p99Ms()).as("no request waits for a slot").isLessThan(1_000);
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
