package io.qgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.batch.BatchableRequest;

/**
 * A client request waiting in a {@link Batcher}. It is answered from its share of a batched
 * call, or goes on as a {@link ProxyExchange} of its own when it leaves alone or its batch
 * failed; either way exactly once. Owns the request until then: a failed batch still has every
 * member's original bytes to send.
 */
final class BatchMember implements ClientExchange {

    private final FrontendHandler frontend;
    private final Channel client;
    private final ProxyContext context;
    private final FullHttpRequest request;
    private final RouteRequest routeRequest;
    private final GatewayMetrics.RouteMeters meters;
    private final long startNanos;
    private final BatchableRequest batchable;
    /** Answered, handed to an exchange of its own, or abandoned by the client. */
    private boolean over;

    BatchMember(FrontendHandler frontend, Channel client, ProxyContext context, FullHttpRequest request,
                RouteRequest routeRequest, GatewayMetrics.RouteMeters meters, long startNanos,
                BatchableRequest batchable) {
        this.frontend = frontend;
        this.client = client;
        this.context = context;
        this.request = request;
        this.routeRequest = routeRequest;
        this.meters = meters;
        this.startNanos = startNanos;
        this.batchable = batchable;
    }

    BatchableRequest batchable() {
        return batchable;
    }

    FullHttpRequest request() {
        return request;
    }

    RouteRequest routeRequest() {
        return routeRequest;
    }

    /** The client connection's handler, which knows the connection's forwarded address and scheme. */
    FrontendHandler frontend() {
        return frontend;
    }

    Channel client() {
        return client;
    }

    /** Still waiting for an answer (false once answered, sent on alone, or the client left). */
    boolean waiting() {
        return !over;
    }

    /** Sends the request on its own, with the retries and timeouts of any single request. */
    void sendAlone() {
        if (over) {
            return;
        }
        over = true;
        ProxyExchange exchange = new ProxyExchange(frontend, client, context, request, routeRequest, meters,
                startNanos);
        frontend.handOver(this, exchange);
        exchange.start();
    }

    /**
     * Answers the client with its share of the batch's answer.
     *
     * @param headers the replica's response headers as every member gets them (copied here)
     */
    void answer(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
        if (over) {
            return;
        }
        over = true;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !frontend.closing()
                && !context.draining().getAsBoolean();
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                Unpooled.wrappedBuffer(body), headers.copy(), EmptyHttpHeaders.INSTANCE);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        client.writeAndFlush(response).addListener(f -> {
            long elapsed = System.nanoTime() - startNanos;
            request.release();
            context.metrics().modelServed(routeRequest.model());
            // The whole body leaves in one write, so the first byte and the last arrive together.
            meters.answered(status.code(), elapsed, elapsed);
            frontend.exchangeDone(this, keepAlive && f.isSuccess());
        });
    }

    @Override
    public void onClientClosed() {
        if (over) {
            return;
        }
        over = true;
        request.release();
        long elapsed = System.nanoTime() - startNanos;
        meters.answered(ProxyExchange.CLIENT_CLOSED, elapsed, -1);
        frontend.exchangeDone(this, false);
    }

    @Override
    public void onClientWritable() {
        // Nothing is being relayed while the request waits in its batch.
    }
}
