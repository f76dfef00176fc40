package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.RouteRequest;

import java.util.concurrent.TimeUnit;

/**
 * A request waiting in the {@link Admission} queue for a slot. It goes on when a slot is handed
 * to it, is refused with 429 when it has waited {@code admission.queue-timeout}, and leaves the
 * queue when its client goes away. Exactly one of the three happens.
 */
final class QueuedRequest implements ClientExchange, Admission.Waiter {

    private final FrontendHandler frontend;
    private final Channel client;
    private final ProxyContext context;
    final FullHttpRequest request;
    final RouteRequest routeRequest;
    final GatewayMetrics.RouteMeters meters;
    final long startNanos;
    private ScheduledFuture<?> timeout;
    private boolean gone;

    QueuedRequest(FrontendHandler frontend, Channel client, ProxyContext context, FullHttpRequest request,
                  RouteRequest routeRequest, GatewayMetrics.RouteMeters meters, long startNanos) {
        this.frontend = frontend;
        this.client = client;
        this.context = context;
        this.request = request;
        this.routeRequest = routeRequest;
        this.meters = meters;
        this.startNanos = startNanos;
    }

    void armTimeout() {
        timeout = client.eventLoop().schedule(this::expire, context.config().admission().queueTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public EventLoop loop() {
        return client.eventLoop();
    }

    @Override
    public void admitted() {
        if (gone) {
            context.admission().release(); // the client left while the slot was on its way
            return;
        }
        gone = true;
        timeout.cancel(false);
        frontend.admittedFromQueue(this);
    }

    private void expire() {
        if (!gone && context.admission().withdraw(this)) {
            gone = true;
            frontend.refuseOverloaded(this);
        }
    }

    @Override
    public void onClientClosed() {
        if (gone) {
            return;
        }
        gone = true;
        timeout.cancel(false);
        // When withdrawing fails a slot is already on its way; admitted() passes it on.
        context.admission().withdraw(this);
        request.release();
        meters.answered(ProxyExchange.CLIENT_CLOSED, System.nanoTime() - startNanos, -1);
        frontend.exchangeDone(this, false);
    }

    @Override
    public void onClientWritable() {
        // Nothing is relayed while the request waits.
    }
}
