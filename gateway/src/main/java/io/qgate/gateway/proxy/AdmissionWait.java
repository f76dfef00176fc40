package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * A request waiting in the {@link Admission} queue for a slot. It goes on when a slot is handed
 * to it, is refused with 429 when it has waited {@code admission.queue-timeout}, and leaves the
 * queue when its client goes away. Exactly one of the three happens.
 */
final class AdmissionWait implements Stage, Admission.Waiter {

    private final ClientRequest request;
    /** Held because the pool had no ready replica: a timeout is then a 503, not a 429. */
    private final boolean forReplica;
    private ScheduledFuture<?> timeout;
    private boolean gone;

    AdmissionWait(ClientRequest request, boolean forReplica) {
        this.request = request;
        this.forReplica = forReplica;
    }

    /** Refuses the request after {@code waitNanos}, on its event loop's clock. */
    void armTimeout(long waitNanos) {
        timeout = loop().schedule(this::expire, waitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public EventLoop loop() {
        return request.client.eventLoop();
    }

    @Override
    public void admitted() {
        if (gone) {
            request.pool.admission().release(); // the client left while the slot was on its way
            return;
        }
        gone = true;
        timeout.cancel(false);
        request.admitted();
    }

    @Override
    public void drained() {
        if (!gone) {
            gone = true;
            timeout.cancel(false);
            request.refuseWaking();
        }
    }

    private void expire() {
        if (!gone && request.pool.admission().withdraw(this)) {
            gone = true;
            if (forReplica) {
                request.refuseWaking();
            } else {
                request.refuseOverloaded();
            }
        }
    }

    @Override
    public void clientClosed() {
        gone = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        // When withdrawing fails a slot is already on its way; admitted() passes it on.
        request.pool.admission().withdraw(this);
    }
}
