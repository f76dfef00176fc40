package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RouteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One client connection: validates each request, answers the gateway's own errors, and hands
 * the rest to a {@link ProxyExchange}, one at a time.
 *
 * <pre>
 * HttpRequestDecoder, ClientResponseEncoder → ReadIdleStateHandler → RequestReadTimeout → BodyLimitAggregator → FrontendHandler → ProxyExchange
 * </pre>
 *
 * <p>HTTP/1.1 pipelining: requests that arrive while one is in progress wait in a short queue and
 * are answered strictly in order. Reading goes on meanwhile (so a client that disconnects is
 * noticed at once) until the queue is full, then pauses.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
    private static final int MAX_QUEUED = 16;

    private final ProxyContext context;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext rawOut;
    private final ClientResponseEncoder encoder;
    /** The exchange in progress, or a local answer being written ({@link #LOCAL}); null when idle. */
    private Object current;
    /** Whether the request in progress holds an {@link Admission} slot. */
    private boolean holdsSlot;
    private boolean closing;
    /** An answer ended since the last idle event: the idle handler counts from reads only. */
    private boolean answeredSinceIdleEvent;
    private String forwardedFor;
    private String forwardedProto;

    private static final Object LOCAL = new Object();

    /** @param encoder the connection's response encoder, told which request each answer is for */
    FrontendHandler(ProxyContext context, ClientResponseEncoder encoder) {
        this.context = context;
        this.encoder = encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.rawOut = ctx.pipeline().context(RawResponseOut.NAME);
    }

    /** Where a relayed response's bytes are written: in front of the HTTP encoder. */
    ChannelHandlerContext rawOut() {
        return rawOut;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !(msg instanceof FullHttpRequest || msg instanceof RejectedRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.addLast(msg);
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        processNext();
    }

    private void processNext() {
        while (current == null && !closing) {
            Object next = queued.pollFirst();
            if (next == null) {
                break;
            }
            encoder.answering(next instanceof FullHttpRequest request ? request.method() : null);
            if (next instanceof RejectedRequest rejected) {
                respondLocally(rejected.error(), rejected.message(), rejected.version(), ApiRoute.OTHER, false);
            } else {
                handle((FullHttpRequest) next);
            }
        }
        if (!closing && queued.size() < MAX_QUEUED / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void handle(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            request.release();
            malformed(cause);
            return;
        }
        String uri = request.uri();
        if (!uri.startsWith("/v1/")) {
            request.release();
            respondLocally(ErrorResponses.NOT_FOUND, "Unknown path; the gateway serves the OpenAI API under /v1/.",
                    request.protocolVersion(), ApiRoute.OTHER, HttpUtil.isKeepAlive(request));
            return;
        }
        ApiRoute route = ApiRoute.ofPath(uri);
        HttpMethod allowed = allowedMethod(route);
        if (allowed != null && !allowed.equals(request.method())) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            request.release();
            respondLocally(ErrorResponses.METHOD_NOT_ALLOWED, "Use " + allowed + " for " + uri + ".",
                    request.protocolVersion(), route, keepAlive, allowed);
            return;
        }
        RouteRequest routeRequest;
        if (route.isJsonPost()) {
            try {
                routeRequest = RequestBodyInspector.inspect(route, request.content(), context.prefixLimits());
            } catch (RequestBodyInspector.InvalidBody e) {
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                request.release();
                respondLocally(ErrorResponses.INVALID_JSON, e.getMessage(), request.protocolVersion(), route,
                        keepAlive);
                return;
            }
        } else {
            routeRequest = new RouteRequest(route, null, false);
        }
        long start = System.nanoTime();
        GatewayMetrics.RouteMeters meters = context.metrics().meters(routeRequest.model(), route);
        meters.received();
        Admission admission = context.admission();
        if (admission.tryAcquire()) {
            forward(request, routeRequest, meters, start);
            return;
        }
        QueuedRequest waiter = new QueuedRequest(this, ctx.channel(), context, request, routeRequest, meters, start);
        switch (admission.acquireOrQueue(waiter)) {
            case ADMITTED -> forward(request, routeRequest, meters, start);
            case QUEUED -> {
                current = waiter;
                waiter.armTimeout();
            }
            case REJECTED -> {
                current = waiter;
                refuseOverloaded(waiter);
            }
        }
    }

    /** The request's slot is free: it goes on from the queue. */
    void admittedFromQueue(QueuedRequest waiter) {
        if (current == waiter) {
            forward(waiter.request, waiter.routeRequest, waiter.meters, waiter.startNanos);
        } else {
            context.admission().release(); // not reached: a waiter whose client left is never admitted
        }
    }

    /** Answers 429 to a request that found the queue full or waited too long for a slot. */
    void refuseOverloaded(QueuedRequest waiter) {
        GatewayConfig.AdmissionLimits limits = context.config().admission();
        boolean keepAlive = HttpUtil.isKeepAlive(waiter.request) && !context.draining().getAsBoolean();
        HttpVersion version = waiter.request.protocolVersion();
        waiter.request.release();
        FullHttpResponse response = ErrorResponses.OVERLOADED.response(ctx.alloc(), version,
                "The gateway is at its limit of requests in flight and its queue is full or the wait was too long;"
                        + " retry after " + limits.retryAfterSeconds() + " s.", keepAlive);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, limits.retryAfterSeconds());
        ctx.writeAndFlush(response).addListener(f -> {
            waiter.meters.answered(ErrorResponses.OVERLOADED.status().code(), System.nanoTime() - waiter.startNanos,
                    -1);
            exchangeDone(waiter, keepAlive && f.isSuccess());
        });
    }

    /** Sends an admitted request on: into a batch, or as an exchange of its own. Holds its slot until done. */
    private void forward(FullHttpRequest request, RouteRequest routeRequest, GatewayMetrics.RouteMeters meters,
                         long start) {
        holdsSlot = true;
        ApiRoute route = routeRequest.route();
        if (context.config().batching().enabled(route) && !routeRequest.stream()) {
            BatchMember member = context.batchers().forLoop(ctx.channel().eventLoop(), context)
                    .admit(this, ctx.channel(), request, routeRequest, meters, start);
            if (member != null) {
                current = member;
                return;
            }
        }
        ProxyExchange exchange = new ProxyExchange(this, ctx.channel(), context, request, routeRequest,
                meters, start);
        current = exchange;
        exchange.start();
    }

    private static HttpMethod allowedMethod(ApiRoute route) {
        if (route.isJsonPost()) {
            return HttpMethod.POST;
        }
        return route == ApiRoute.MODELS ? HttpMethod.GET : null;
    }

    private void malformed(Throwable cause) {
        encoder.answering(null);
        ErrorResponses error;
        if (cause instanceof TooLongHttpHeaderException) {
            error = ErrorResponses.HEADERS_TOO_LARGE;
        } else if (cause instanceof TooLongHttpLineException) {
            error = ErrorResponses.URI_TOO_LONG;
        } else if (cause instanceof TooLongFrameException) {
            error = ErrorResponses.HEADERS_TOO_LARGE;
        } else {
            error = ErrorResponses.BAD_REQUEST;
        }
        log.debug("malformed request from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        String message = error == ErrorResponses.BAD_REQUEST ? "Malformed HTTP request." : cause.getMessage();
        // The connection's framing can no longer be trusted: answer and close.
        respondLocally(error, message, HttpVersion.HTTP_1_1, ApiRoute.OTHER, false);
    }

    private void respondLocally(ErrorResponses error, String message, HttpVersion version, ApiRoute route,
                                boolean keepAlive) {
        respondLocally(error, message, version, route, keepAlive, null);
    }

    private void respondLocally(ErrorResponses error, String message, HttpVersion version, ApiRoute route,
                                boolean keepAliveRequested, HttpMethod allow) {
        long start = System.nanoTime();
        GatewayMetrics.RouteMeters meters = context.metrics().meters(null, route);
        meters.received();
        boolean keepAlive = keepAliveRequested && !context.draining().getAsBoolean();
        FullHttpResponse response = error.response(ctx.alloc(), version, message, keepAlive);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow.name());
        }
        current = LOCAL;
        ctx.writeAndFlush(response).addListener(f -> {
            meters.answered(error.status().code(), System.nanoTime() - start, -1);
            finished(keepAlive && f.isSuccess());
        });
    }

    /** Called by the exchange when its response is written (or abandoned). */
    void exchangeDone(ClientExchange exchange, boolean keepAlive) {
        if (current == exchange) {
            if (holdsSlot) {
                holdsSlot = false;
                context.admission().release();
            }
            finished(keepAlive);
        }
    }

    /** A request that waited in a batch goes on as an exchange of its own. */
    void handOver(BatchMember member, ProxyExchange exchange) {
        if (current == member) {
            current = exchange;
        }
    }

    private void finished(boolean keepAlive) {
        current = null;
        answeredSinceIdleEvent = true;
        if (!keepAlive) {
            closeNow();
            return;
        }
        processNext();
    }

    /**
     * The client's address and scheme as the forwarded headers name them; the same for every
     * request on the connection, so worked out once (formatting an address is not free).
     */
    String forwardedFor() {
        if (forwardedFor == null) {
            forwardedFor = UpstreamRequestHead.clientAddress(ctx.channel());
        }
        return forwardedFor;
    }

    String forwardedProto() {
        if (forwardedProto == null) {
            forwardedProto = UpstreamRequestHead.scheme(ctx.channel());
        }
        return forwardedProto;
    }

    /** The connection will close after the response in progress (e.g. an HTTP/1.0 stream). */
    void forceClose() {
        closing = true;
    }

    boolean closing() {
        return closing;
    }

    /** Called once the last response was written (from its write listener), so closing loses nothing. */
    private void closeNow() {
        closing = true;
        releaseQueued();
        ctx.close();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseQueued();
        if (current instanceof ClientExchange exchange) {
            exchange.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current instanceof ClientExchange exchange) {
            exchange.onClientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // An idle keep-alive connection is closed; one waiting on a slow replica is not idle. The
        // event counts from the last read, so an answer that ended since the last event restarts
        // the wait (the next event comes a whole timeout later: such a connection is closed after
        // one to two timeouts of silence, never sooner).
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE && current == null
                && queued.isEmpty()) {
            if (answeredSinceIdleEvent) {
                answeredSinceIdleEvent = false;
            } else {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
