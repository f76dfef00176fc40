package io.qgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool waking from zero: the requests held while no replica was ready go on a few per replica,
 * and the wake ends with the last of them, whatever arrived since.
 */
class AdmissionWakeTest {

    private final EventLoop loop = new DefaultEventLoop();
    private final AtomicInteger ready = new AtomicInteger();
    /** At most 100 in flight, 2 per ready replica while held requests remain. */
    private final Admission admission = new Admission(100, 0, 1000, 2, ready::get);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void requestsArrivingAfterTheWakeDoNotKeepThePoolCappedOnceTheHeldOnesAreSent() {
        Waiting[] held = {new Waiting(), new Waiting(), new Waiting()};
        for (Waiting waiter : held) {
            assertThat(admission.acquireOrQueue(waiter)).isEqualTo(Admission.Outcome.QUEUED);
        }
        assertThat(admission.waitingForReplica()).isEqualTo(3);

        ready.set(1);
        admission.limitChanged();
        await().atMost(Duration.ofSeconds(5)).until(() -> held[0].admitted.get() == 1 && held[1].admitted.get() == 1);
        // Two per replica while a held one remains: the third waits, and so do newer arrivals behind it.
        Waiting later = new Waiting();
        Waiting later2 = new Waiting();
        assertThat(admission.acquireOrQueue(later)).isEqualTo(Admission.Outcome.QUEUED);
        assertThat(admission.acquireOrQueue(later2)).isEqualTo(Admission.Outcome.QUEUED);
        assertThat(held[2].admitted.get()).isZero();

        // The first answer is over: the last held request goes, and with it the cap.
        admission.release();
        await().atMost(Duration.ofSeconds(5)).until(() -> held[2].admitted.get() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> later.admitted.get() == 1 && later2.admitted.get() == 1);
        assertThat(admission.waitingForReplica()).isZero();
        assertThat(admission.queued()).isZero();
        assertThat(admission.inflight()).isEqualTo(4);
        // New requests are admitted at once again.
        assertThat(admission.tryAcquire()).isTrue();
    }

    private final class Waiting implements Admission.Waiter {
        final AtomicInteger admitted = new AtomicInteger();

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public void admitted() {
            admitted.incrementAndGet();
        }

        @Override
        public void drained() {
            throw new AssertionError("not draining");
        }

        @Override
        public void shed() {
            throw new AssertionError("nothing is sheddable");
        }

        @Override
        public long tenant() {
            return 0;
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public long work() {
            return 1;
        }
    }
}
