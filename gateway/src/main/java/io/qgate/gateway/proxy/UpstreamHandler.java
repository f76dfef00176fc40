package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: hands every response part to the exchange that
 * currently owns the connection. A pooled, idle connection has no owner; anything it receives
 * then is unexpected, so the connection is closed.
 *
 * <pre>
 * HttpClientCodec → ReadIdleStateHandler(pool idle timeout) → UpstreamHandler → {@link UpstreamListener}
 * </pre>
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private UpstreamListener owner;

    void attach(UpstreamListener listener) {
        this.owner = listener;
    }

    void detach() {
        this.owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.onUpstreamMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
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
        UpstreamListener exchange = owner;
        if (exchange != null) {
            exchange.onUpstreamClosed(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
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
