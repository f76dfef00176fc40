package io.qgate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.gateway.metrics.AdmissionMeters.Refusal;

import java.util.concurrent.TimeUnit;

/**
 * A request waiting in the {@link Admission} queue for a slot. It goes on when a slot is handed
 * to it, is refused when it has waited too long (429; 503 when it waited for a replica to wake),
 * when a more urgent request pushes it out of a full queue (429) or when the gateway drains while
 * it waits for a replica (503), and leaves the queue when its client goes away. Exactly one of
 * these happens.
 */
final class AdmissionWait implements Stage, Admission.Waiter {

    private final ClientRequest request;
    /** Held because the pool had no ready replica: a timeout is then a 503, not a 429. */
    private final boolean forReplica;
    private final long tenant;
    private final int priority;
    private final long work;
    private final long queuedAtNanos;
    private ScheduledFuture<?> timeout;
    private boolean gone;

    AdmissionWait(ClientRequest request, boolean forReplica, long tenant, int priority, long work) {
        this.request = request;
        this.forReplica = forReplica;
        this.tenant = tenant;
        this.priority = priority;
        this.work = work;
        this.queuedAtNanos = request.context.nowNanos();
    }

    @Override
    public long tenant() {
        return tenant;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public long work() {
        return work;
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
        if (timeout != null) {
            timeout.cancel(false);
        }
        request.pool.admissionMeters().waited(request.context.nowNanos() - queuedAtNanos);
        request.admitted();
    }

    @Override
    public void drained() {
        refuse(Refusal.DRAINING);
    }

    @Override
    public void shed() {
        refuse(Refusal.SHED);
    }

    /** Refuses the request, which is out of the queue already. */
    private void refuse(Refusal reason) {
        if (gone) {
            return;
        }
        gone = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        request.pool.admissionMeters().refused(reason);
        if (reason == Refusal.DRAINING) {
            request.refuseWaking();
        } else {
            request.refuseOverloaded();
        }
    }

    private void expire() {
        if (!gone && request.pool.admission().withdraw(this)) {
            gone = true;
            if (forReplica) {
                request.pool.admissionMeters().refused(Refusal.NO_REPLICA_TIMEOUT);
                request.refuseWaking();
            } else {
                request.pool.admissionMeters().refused(Refusal.QUEUE_TIMEOUT);
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
