package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers 408 to a client that stops sending in the middle of a request (slow headers or body),
 * so that it cannot hold a connection and a half-read request forever; and to one whose request
 * head is not complete {@code server.request-head-timeout} after its first byte, however steadily
 * it trickles in (a byte a second never looks silent, and thousands of such clients would each
 * hold a connection and a decoder's buffer for as long as they like). Silence between requests
 * or while the client waits for an answer is not its business: only a request begun and not
 * finished counts.
 *
 * <p>The head's deadline needs no timer: a head that arrives in one read (nearly every one) is
 * never timed at all; a head left incomplete by a read is timed from then, and every later read
 * of it checks the clock. A client that stops sending altogether is the idle timeout's.
 *
 * <pre>
 * {@link #bytesSeen()} → HttpRequestDecoder → ReadIdleStateHandler (reader idle) → RequestReadTimeout → BodyLimitAggregator
 * </pre>
 *
 * A request begins with its first byte (a head still incomplete produces no message yet, so the
 * handler in front of the codec reports bytes) and ends with its last content.
 *
 * The 408 travels as a {@link RejectedRequest}, so it is answered in order after any request
 * still in progress on the connection, and the connection closes after it. A head past its
 * deadline waits for that answer in its event loop's {@link SlowHeadRefusals}, which answers
 * thousands that time out together a few at a time; it is not read meanwhile.
 */
final class RequestReadTimeout extends ChannelInboundHandlerAdapter implements SlowHeadRefusals.Overdue {

    private final long headTimeoutNanos;
    private final SlowHeadRefusals refusals;
    private ChannelHandlerContext context;
    private boolean receiving;
    /** A request has begun and its head has not been decoded yet. */
    private boolean awaitingHead;
    /** When a read first left the head incomplete; 0 while it has not. */
    private long headStartNanos;
    /** The head took too long and waits for its 408, or got it: what else arrives is dropped. */
    private boolean refused;
    private HttpVersion version = HttpVersion.HTTP_1_1;

    /** @param refusals where heads past their deadline on this connection's event loop wait for their 408 */
    RequestReadTimeout(long headTimeoutNanos, SlowHeadRefusals refusals) {
        this.headTimeoutNanos = headTimeoutNanos;
        this.refusals = refusals;
    }

    /** The handler that goes in front of the codec: any bytes mean a request is under way. */
    ChannelInboundHandlerAdapter bytesSeen() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof io.netty.buffer.ByteBuf bytes && bytes.isReadable()) {
                    if (!receiving) {
                        receiving = true;
                        awaitingHead = true;
                        headStartNanos = 0;
                    } else if (awaitingHead && headStartNanos != 0
                            && System.nanoTime() - headStartNanos > headTimeoutNanos) {
                        ReferenceCountUtil.release(msg);
                        refused = true;
                        // Nothing it sends now will be read: its bytes may wait in the kernel rather
                        // than wake the event loop once a second each while it waits for its 408.
                        ctx.channel().config().setAutoRead(false);
                        refusals.add(RequestReadTimeout.this);
                        return;
                    }
                }
                ctx.fireChannelRead(msg);
                if (awaitingHead && headStartNanos == 0) {
                    headStartNanos = System.nanoTime();
                }
            }
        };
    }

    @Override
    public boolean refuse() {
        if (!context.channel().isActive()) {
            return false;
        }
        receiving = false;
        awaitingHead = false;
        context.fireChannelRead(new RejectedRequest(ErrorResponses.REQUEST_TIMEOUT,
                "The request's headers were not received in time.", version));
        return true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A head is the start of a request and a last content its end; a full request is both.
        if (msg instanceof HttpRequest head) {
            version = head.protocolVersion();
            awaitingHead = false;
        }
        if (msg instanceof LastHttpContent) {
            receiving = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            // A head refused, or waiting for its 408, is answered once.
            if (receiving && !refused) {
                receiving = false;
                awaitingHead = false;
                ctx.fireChannelRead(new RejectedRequest(ErrorResponses.REQUEST_TIMEOUT,
                        "The request was not received in time.", version));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
