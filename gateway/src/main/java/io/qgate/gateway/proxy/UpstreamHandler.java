package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: frames the replica's bytes into responses
 * ({@link ResponseFramer}) and hands them to the exchange that currently owns the connection. A
 * pooled, idle connection has no owner; anything it receives then is unexpected, so the
 * connection is closed.
 *
 * <pre>
 * ReadIdleStateHandler(pool idle timeout) → UpstreamHandler → {@link UpstreamListener}
 * </pre>
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter implements ResponseFramer.Sink {

    private final ResponseFramer framer = new ResponseFramer();
    private ChannelHandlerContext ctx;
    private UpstreamListener owner;

    /**
     * Hands the connection to {@code listener} for one request; the framer learns whether the
     * response answers a HEAD request and whether chunk framing is relayed as it is.
     */
    void attach(UpstreamListener listener, boolean headRequest, boolean relayChunkFraming) {
        this.owner = listener;
        framer.expect(headRequest, relayChunkFraming);
    }

    void detach() {
        this.owner = null;
    }

    /** Whether a relayed chunked body stands between chunks (see {@link ResponseFramer#betweenChunks}). */
    boolean betweenChunks() {
        return framer.betweenChunks();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner == null || !(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            framer.feed(bytes, this);
        } catch (ResponseHead.Malformed e) {
            failed(e);
        }
    }

    @Override
    public void head(ResponseHead head) {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.head(head);
        } else {
            ctx.close(); // a response nobody asked for
        }
    }

    @Override
    public void body(ByteBuf bytes) {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.body(bytes);
        } else {
            bytes.release();
            ctx.close();
        }
    }

    @Override
    public void end() {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.end();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!framer.closed(this)) {
            UpstreamListener exchange = owner;
            if (exchange != null) {
                exchange.onUpstreamClosed(null);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
    }

    private void failed(Throwable cause) {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.onUpstreamClosed(cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // Idle in the pool for too long: close. While a request owns the connection, the
        // exchange's own first-byte and idle timeouts apply instead.
        if (evt instanceof IdleStateEvent && owner == null) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }
}
