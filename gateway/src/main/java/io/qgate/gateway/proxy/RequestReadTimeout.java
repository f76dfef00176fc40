package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Answers 408 to a client that stops sending in the middle of a request (slow headers or body),
 * so that it cannot hold a connection and a half-read request forever. Silence between requests
 * or while the client waits for an answer is not its business: only a request begun and not
 * finished counts.
 *
 * <pre>
 * {@link #bytesSeen()} → HttpRequestDecoder → ReadIdleStateHandler (reader idle) → RequestReadTimeout → BodyLimitAggregator
 * </pre>
 *
 * A request begins with its first byte (a head still incomplete produces no message yet, so the
 * handler in front of the codec reports bytes) and ends with its last content.
 *
 * The 408 travels as a {@link RejectedRequest}, so it is answered in order after any request
 * still in progress on the connection, and the connection closes after it.
 */
final class RequestReadTimeout extends ChannelInboundHandlerAdapter {

    private boolean receiving;
    private HttpVersion version = HttpVersion.HTTP_1_1;

    /** The handler that goes in front of the codec: any bytes mean a request is under way. */
    ChannelInboundHandlerAdapter bytesSeen() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof io.netty.buffer.ByteBuf bytes && bytes.isReadable()) {
                    receiving = true;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A head is the start of a request and a last content its end; a full request is both.
        if (msg instanceof HttpRequest head) {
            version = head.protocolVersion();
        }
        if (msg instanceof LastHttpContent) {
            receiving = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (receiving) {
                receiving = false;
                ctx.fireChannelRead(new RejectedRequest(ErrorResponses.REQUEST_TIMEOUT,
                        "The request was not received in time.", version));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
