package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decode queue against the JDK's priority queue on random adds, polls and removals. */
class DecodeQueueTest {

    private static final Comparator<Request> BY_FINISH_STEP =
            Comparator.<Request>comparingLong(r -> r.finishStep).thenComparingLong(r -> r.id);

    @Test
    void ordersAsAPriorityQueueByLastStepThenId() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            DecodeQueue queue = new DecodeQueue();
            PriorityQueue<Request> reference = new PriorityQueue<>(BY_FINISH_STEP);
            List<Request> queued = new ArrayList<>();
            long id = 0;
            for (int op = 0; op < 2_000; op++) {
                int what = random.nextInt(10);
                if (what < 5 || reference.isEmpty()) {
                    Request request = new Request(id++, 0, 1, 1);
                    // Few distinct steps: ties are common, broken by id.
                    request.finishStep = random.nextInt(50);
                    request.admission = random.nextInt(1_000);
                    queue.add(request);
                    reference.add(request);
                    queued.add(request);
                } else if (what < 8) {
                    assertThat(queue.firstFinishStep()).isEqualTo(reference.peek().finishStep);
                    Request polled = queue.poll();
                    assertThat(polled).as("seed %d op %d", seed, op).isSameAs(reference.poll());
                    queued.remove(polled);
                } else {
                    Request latest = queue.latestAdmitted();
                    assertThat(latest.admission).isEqualTo(
                            queued.stream().mapToLong(r -> r.admission).max().orElseThrow());
                    queue.remove(latest);
                    reference.remove(latest);
                    queued.remove(latest);
                }
                assertThat(queue.size()).isEqualTo(reference.size());
            }
            while (!reference.isEmpty()) {
                assertThat(queue.poll()).isSameAs(reference.poll());
            }
            assertThat(queue.isEmpty()).isTrue();
            assertThat(queue.latestAdmitted()).isNull();
        }
    }
}
