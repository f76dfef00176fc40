package io.qgate.gateway.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of waiting requests: priority first, then fair by tenant and work; and shedding. */
class WaitQueueTest {

    private record Request(String name, long tenant, int priority, long work) implements WaitQueue.Entry {}

    private static List<String> drainInOrder(WaitQueue<Request> queue) {
        List<String> order = new ArrayList<>();
        Request next;
        while ((next = queue.poll()) != null) {
            order.add(next.name());
        }
        return order;
    }

    @Test
    void aTenantWithABacklogWaitsBehindItselfNotInFrontOfTheOthers() {
        WaitQueue<Request> queue = new WaitQueue<>();
        for (int i = 1; i <= 6; i++) {
            queue.add(new Request("a" + i, 1, 0, 100));
        }
        queue.add(new Request("b1", 2, 0, 100));
        queue.add(new Request("b2", 2, 0, 100));

        // a1 had started level; b1 starts level with a2, and b wins ties by arrival only after a.
        assertThat(drainInOrder(queue)).containsExactly("a1", "b1", "a2", "b2", "a3", "a4", "a5", "a6");
    }

    @Test
    void fairnessIsByWorkNotByRequests() {
        WaitQueue<Request> queue = new WaitQueue<>();
        queue.add(new Request("long1", 1, 0, 1000));
        queue.add(new Request("long2", 1, 0, 1000));
        for (int i = 1; i <= 4; i++) {
            queue.add(new Request("short" + i, 2, 0, 100));
        }

        // long2 starts at 1000: every short request (starts 0..300) goes before it.
        assertThat(drainInOrder(queue)).containsExactly("long1", "short1", "short2", "short3", "short4", "long2");
    }

    @Test
    void moreUrgentPrioritiesGoFirstWhateverTheirTenant() {
        WaitQueue<Request> queue = new WaitQueue<>();
        queue.add(new Request("batch", 1, 5, 10));
        queue.add(new Request("normal", 1, 0, 10));
        queue.add(new Request("interactive", 2, -1, 10));

        assertThat(drainInOrder(queue)).containsExactly("interactive", "normal", "batch");
    }

    @Test
    void sheddingTakesTheLastLessUrgentSheddableAndNeverAMoreUrgentOne() {
        WaitQueue<Request> queue = new WaitQueue<>();
        Request urgent = new Request("urgent", 1, -1, 10);
        queue.add(urgent);
        queue.add(new Request("low1", 1, 5, 10));
        queue.add(new Request("low2", 2, 5, 10));
        queue.add(new Request("normal", 1, 0, 10));

        // Sheddable: priority above 0. A normal newcomer pushes out the last low one.
        assertThat(queue.shedFor(0, 0).name()).isEqualTo("low2");
        assertThat(queue.shedFor(0, 0).name()).isEqualTo("low1");
        // Nothing sheddable is left: the normal request is not sheddable, the urgent one is more urgent.
        assertThat(queue.shedFor(-5, 0)).isNull();
        // A newcomer less urgent than everything sheddable pushes out nothing.
        queue.add(new Request("low3", 1, 5, 10));
        assertThat(queue.shedFor(5, 0)).isNull();
        assertThat(queue.shedFor(7, 0)).isNull();
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.size(PriorityBand.HIGH)).isOne();
        assertThat(queue.size(PriorityBand.LOW)).isOne();
    }

    @Test
    void aRequestThatLeavesIsForgottenAndAnIdleBandStartsLevel() {
        WaitQueue<Request> queue = new WaitQueue<>();
        Request leaving = new Request("leaving", 1, 0, 10);
        queue.add(new Request("first", 1, 0, 1000));
        queue.add(leaving);
        assertThat(queue.remove(leaving)).isTrue();
        assertThat(queue.remove(leaving)).isFalse();
        assertThat(drainInOrder(queue)).containsExactly("first");

        // The band went idle: tenant 1's earlier work does not count against it any more.
        queue.add(new Request("again", 1, 0, 10));
        queue.add(new Request("other", 2, 0, 10));
        assertThat(drainInOrder(queue)).containsExactly("again", "other");
    }
}
