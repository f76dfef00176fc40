package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One client connection: starts each request as a {@link ClientRequest}, one at a time, and
 * passes the connection's close and writability on to the one in progress.
 *
 * <pre>
 * HttpRequestDecoder, ClientResponseEncoder → ReadIdleStateHandler → RequestReadTimeout → BodyLimitAggregator → FrontendHandler → ClientRequest
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
    /** The request in progress; null when idle. */
    private ClientRequest current;
    private boolean closing;
    /** An answer ended since the last idle event: the idle handler counts from reads only. */
    private boolean answeredSinceIdleEvent;
    private String forwardedFor;
    private String forwardedProto;

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
            // A request that could not be parsed has no method the answer could depend on.
            encoder.answering(next instanceof FullHttpRequest request && request.decoderResult().isSuccess()
                    ? request.method() : null);
            // Current before it starts: a request may be over before start returns.
            current = new ClientRequest(this, context, ctx.channel(), next);
            current.start(next);
        }
        if (!closing && queued.size() < MAX_QUEUED / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Called by the request when it is over; the next one starts, or the connection closes. */
    void requestDone(ClientRequest request, boolean keepAlive) {
        if (current != request) {
            return;
        }
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
        if (current != null) {
            current.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current != null) {
            current.clientWritable();
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
